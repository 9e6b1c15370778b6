/**
 * The run artifact (schema_version "2.0.0") and the shapes around it, as zod schemas.
 *
 * These schemas are the single definition of the SPEC data model: the HTTP layer
 * validates requests with them, the stores validate what they are asked to write,
 * and the OpenAPI document is generated from them (each `.openapi("Name")` becomes a
 * component). `RunArtifactSchema` is what is stored; `CreateRunRequestSchema` is what
 * a client may send (the server adds id, time, hashes and `created_by`).
 */
import { z } from "@hono/zod-openapi";
import { ADVISORY_ID_PATTERN, RUN_ID_PATTERN, SHA256_PATTERN } from "./ids.js";
import { isStoredUtc } from "./time.js";

/** The schema version this service writes. */
export const CURRENT_SCHEMA_VERSION = "2.0.0";

export const RiskLevelSchema = z
  .enum(["GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"])
  .openapi("RiskLevel", { description: "Risk of the decision." });
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const RunStatusSchema = z.enum(["OK", "BLOCKED", "ERROR"]).openapi("RunStatus");
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const Sha256Schema = z
  .string()
  .regex(SHA256_PATTERN, "must be 64 lowercase hex characters")
  .openapi("Sha256", { example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" });

export const RunIdSchema = z
  .string()
  .regex(RUN_ID_PATTERN, "must be run_ followed by a ULID or 12 lowercase hex")
  .openapi("RunId", { example: "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0" });

export const AdvisoryIdSchema = z
  .string()
  .regex(ADVISORY_ID_PATTERN, "must be adv_ followed by a ULID")
  .openapi("AdvisoryId");

/** An RFC 3339 timestamp in UTC (`Z`), as stored. */
export const UtcTimestampSchema = z
  .string()
  .refine(isStoredUtc, "must be an RFC 3339 timestamp in UTC ending in Z")
  .openapi("UtcTimestamp", { example: "2026-11-21T10:15:30.123Z" });

const NonEmpty = z.string().min(1, "must not be empty").max(200);
/** Whether `value` holds an own `__proto__` key at any depth (JSON.parse makes one; zod records drop it). */
function hasProtoKey(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null || depth > 256) return false;
  if (Array.isArray(value)) return value.some((v) => hasProtoKey(v, depth + 1));
  return Object.keys(value).some(
    (k) => k === "__proto__" || hasProtoKey((value as Record<string, unknown>)[k], depth + 1),
  );
}

/**
 * A free-form JSON object, passed through untouched (so that what is hashed and stored is
 * exactly what was sent). `__proto__` keys are refused: a zod record would drop them
 * silently and many JSON consumers mishandle them.
 */
const JsonObject = z
  .custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
    message: "must be a JSON object",
  })
  .refine((v) => !hasProtoKey(v), { message: "the key __proto__ is not allowed" })
  .openapi({ type: "object", additionalProperties: {} });

export const DecisionSchema = z
  .object({
    risk_level: RiskLevelSchema,
    score: z.number().optional(),
    block_reason: z.string().min(1, "must not be empty").optional(),
    warnings: z.array(z.string()),
    details: JsonObject,
  })
  .strict()
  .openapi("Decision");

export const HashesSchema = z
  .object({
    feasibility_sha256: Sha256Schema,
    toolpaths_sha256: Sha256Schema.optional(),
    gcode_sha256: Sha256Schema.optional(),
    opplan_sha256: Sha256Schema.optional(),
  })
  .strict()
  .openapi("Hashes");

export const OutputsSchema = z
  .object({
    gcode_text: z.string().optional(),
    toolpaths: z.unknown().optional(),
    opplan_json: z.unknown().optional(),
  })
  .strict()
  .openapi("Outputs");

export const AttachmentRefSchema = z
  .object({
    sha256: Sha256Schema,
    kind: NonEmpty,
    mime: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+(?:\s*;.*)?$/, "must be a media type such as text/x-gcode")
      .max(255),
    filename: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\u0000-\u001f/\\]+$/, "must be a plain file name without separators or control characters"),
    size_bytes: z.number().int().nonnegative(),
  })
  .strict()
  .openapi("AttachmentRef");
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

export const AdvisoryInputSchema = z
  .object({
    advisory_id: AdvisoryIdSchema,
    kind: NonEmpty,
    engine_id: NonEmpty.optional(),
  })
  .strict()
  .openapi("AdvisoryInput");

export const MigrationHistoryEntrySchema = z
  .object({
    from_version: z.string(),
    to_version: z.string(),
    applied_at: UtcTimestampSchema,
    changes: z.array(z.string()),
    checksum_before: Sha256Schema,
    checksum_after: Sha256Schema,
    applied_by: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: "The principal that ran the migration (an API caller or a `cli:` operator)." }),
  })
  .strict()
  .openapi("MigrationHistoryEntry");

/** Where an artifact came from when the service did not create it (v1 import). */
export const ProvenanceSchema = z
  .object({
    source: NonEmpty,
    hash_method: NonEmpty,
    notes: z.array(z.string()),
    flags: z.array(z.string()),
  })
  .catchall(z.unknown())
  .openapi("Provenance", {
    description:
      "Present on artifacts the service imported rather than created: how their hashes were computed, and what was noted or flagged on import.",
  });

export const RunArtifactSchema = z
  .object({
    schema_version: z.literal(CURRENT_SCHEMA_VERSION),
    run_id: RunIdSchema,
    created_at_utc: UtcTimestampSchema,
    mode: NonEmpty,
    tool_id: NonEmpty,
    status: RunStatusSchema,
    request_summary: JsonObject,
    feasibility: JsonObject,
    decision: DecisionSchema,
    hashes: HashesSchema,
    outputs: OutputsSchema,
    attachments: z.array(AttachmentRefSchema),
    advisory_inputs: z.array(AdvisoryInputSchema),
    meta: JsonObject,
    created_by: NonEmpty,
    provenance: ProvenanceSchema.optional(),
    migration_history: z.array(MigrationHistoryEntrySchema).optional(),
  })
  .strict()
  .superRefine((run, ctx) => {
    checkConsistency(run, ctx);
    if (run.outputs.gcode_text !== undefined && !run.hashes.gcode_sha256) {
      ctx.addIssue({
        code: "custom",
        path: ["hashes", "gcode_sha256"],
        message: "hashes.gcode_sha256 is required when outputs.gcode_text is present",
      });
    }
  })
  .openapi("RunArtifact");
export type RunArtifact = z.infer<typeof RunArtifactSchema>;

/** A list item. */
export const RunSummarySchema = z
  .object({
    run_id: RunIdSchema,
    created_at_utc: UtcTimestampSchema,
    schema_version: z.string(),
    mode: z.string(),
    tool_id: z.string(),
    status: RunStatusSchema,
    risk_level: RiskLevelSchema,
    feasibility_sha256: Sha256Schema,
  })
  .openapi("RunSummary");
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** What a client sends to create a run. Hashes are optional: the server computes them. */
export const CreateRunRequestSchema = z
  .object({
    mode: NonEmpty,
    tool_id: NonEmpty,
    status: RunStatusSchema,
    request_summary: JsonObject,
    feasibility: JsonObject,
    decision: DecisionSchema.extend({
      warnings: z.array(z.string()).default([]),
      details: JsonObject.default({}),
    }),
    hashes: HashesSchema.partial().strict().optional(),
    outputs: OutputsSchema.optional(),
    attachments: z.array(AttachmentRefSchema).max(1000).optional(),
    advisory_inputs: z.array(AdvisoryInputSchema).max(1000).optional(),
    meta: JsonObject.optional(),
  })
  .strict()
  .superRefine(checkConsistency)
  .openapi("CreateRunRequest");
export type CreateRunRequest = z.infer<typeof CreateRunRequestSchema>;

interface ConsistencyInput {
  status: RunStatus;
  decision: { risk_level: RiskLevel; block_reason?: string | undefined };
}

/** SPEC consistency rules: BLOCKED needs a block_reason; ERROR goes with risk ERROR or UNKNOWN. */
function checkConsistency(run: ConsistencyInput, ctx: z.RefinementCtx): void {
  if (run.status === "BLOCKED" && !run.decision.block_reason) {
    ctx.addIssue({
      code: "custom",
      path: ["decision", "block_reason"],
      message: "status BLOCKED requires decision.block_reason",
    });
  }
  if (run.status === "ERROR" && !["ERROR", "UNKNOWN"].includes(run.decision.risk_level)) {
    ctx.addIssue({
      code: "custom",
      path: ["decision", "risk_level"],
      message: "status ERROR goes with risk_level ERROR or UNKNOWN",
    });
  }
}

/** The summary of an artifact, as lists show it. */
export function summarize(run: RunArtifact): RunSummary {
  return {
    run_id: run.run_id,
    created_at_utc: run.created_at_utc,
    schema_version: run.schema_version,
    mode: run.mode,
    tool_id: run.tool_id,
    status: run.status,
    risk_level: run.decision.risk_level,
    feasibility_sha256: run.hashes.feasibility_sha256,
  };
}
