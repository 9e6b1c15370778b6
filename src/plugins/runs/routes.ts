/**
 * The runs plugin's route definitions (createRoute only): paths, parameters, bodies
 * and every status code, as they appear in openapi.json.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  CreateRunRequestSchema,
  RiskLevelSchema,
  RunArtifactSchema,
  RunIdSchema,
  RunStatusSchema,
  RunSummarySchema,
} from "../../contracts/artifact.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import { parseUtc } from "../../contracts/time.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "runs";

/** A timestamp query parameter: RFC 3339 with offset (a naive one is a 400). */
export const TimestampParam = z
  .string()
  .superRefine((value, ctx) => {
    try {
      parseUtc(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  })
  .openapi({ format: "date-time", example: "2026-11-01T00:00:00Z" });

export const RunIdParams = z.object({
  run_id: RunIdSchema.openapi({ param: { name: "run_id", in: "path" } }),
});

export const RunPageSchema = z
  .object({
    items: z.array(RunSummarySchema),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as ?cursor= for the next page; null on the last page." }),
  })
  .openapi("RunPage");

export const VerifyReportSchema = z
  .object({
    ok: z.boolean(),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }).openapi("Check")),
  })
  .openapi("RunVerifyReport");

const ListQuery = z
  .object({
    mode: z.string().min(1).max(200).optional(),
    tool_id: z.string().min(1).max(200).optional(),
    status: RunStatusSchema.optional(),
    risk_level: RiskLevelSchema.optional(),
    created_from: TimestampParam.optional().openapi({ description: "inclusive lower bound of created_at_utc" }),
    created_to: TimestampParam.optional().openapi({ description: "exclusive upper bound of created_at_utc" }),
    limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ type: "integer", example: 50 }),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export const createRunRoute = createRoute({
  method: "post",
  path: "/runs",
  operationId: "createRun",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Create a run artifact (write-once)",
  description:
    "The server assigns run_id, created_at_utc and created_by and computes every hash whose content it receives; a client hash that does not match is a 422. With Idempotency-Key, the same key and body answer the same run.",
  request: {
    headers: z.object({
      "idempotency-key": z.string().optional().openapi({ description: "1–255 visible ASCII characters" }),
    }),
    body: { required: true, content: { "application/json": { schema: CreateRunRequestSchema } } },
  },
  responses: {
    201: {
      ...jsonContent(RunArtifactSchema, "created"),
      headers: { Location: { schema: { type: "string" }, description: "the run's URL" } },
    },
    200: jsonContent(RunArtifactSchema, "an idempotent replay: the run this key created before"),
    ...problemResponses(400, 409, 422),
  },
});

export const listRunsRoute = createRoute({
  method: "get",
  path: "/runs",
  operationId: "listRuns",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "List run summaries, newest first, with cursor pagination",
  description:
    "Filters by mode, tool_id, status, risk_level and a creation window (created_from inclusive, created_to exclusive). A page holds at most `limit` summaries (1–500, default 50); pass its next_cursor as `cursor` for the next page (null on the last). Pages are stable while runs are being created.",
  request: { query: ListQuery },
  responses: { 200: jsonContent(RunPageSchema, "a page of summaries"), ...problemResponses(400) },
});

export const getRunRoute = createRoute({
  method: "get",
  path: "/runs/{run_id}",
  operationId: "getRun",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Get a run artifact (its stored bytes)",
  description:
    "Answers the artifact exactly as stored (RFC 8785 canonical JSON) with an ETag; an If-None-Match that matches answers 304. An artifact stored in an older schema version is answered in the current one (migrated on read, the stored bytes unchanged).",
  request: {
    params: RunIdParams,
    headers: z.object({ "if-none-match": z.string().optional() }),
  },
  responses: {
    200: {
      ...jsonContent(RunArtifactSchema, "the artifact"),
      headers: { ETag: { schema: { type: "string" }, description: "quoted sha256 of the bytes" } },
    },
    304: { description: "not modified (If-None-Match matched)" },
    ...problemResponses(400, 404),
  },
});

export const verifyRunRoute = createRoute({
  method: "get",
  path: "/runs/{run_id}/verify",
  operationId: "verifyRun",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Verify a stored run: bytes intact, hashes recomputed, attachments present and intact",
  description:
    "Re-reads the stored bytes, recomputes every hash the run carries (for an imported v1 run, the v1 way from its original record) and re-hashes each referenced blob. Answers 200 with ok false and the failing checks when something does not verify.",
  request: { params: RunIdParams },
  responses: { 200: jsonContent(VerifyReportSchema, "the checks"), ...problemResponses(400, 404) },
});

/** PUT, PATCH and DELETE on a run: always 405, artifacts are write-once. */
export const refusedRunRoutes = (["put", "patch", "delete"] as const).map((method) =>
  createRoute({
    method,
    path: "/runs/{run_id}",
    operationId: `${method}RunRefused`,
    // A refusal by contract that changes nothing: every role gets the same answer (and a
    // read-only compliance run with an auditor token can check it).
    ...operationRoles(ROLES_FOR.read),
    tags: [TAG],
    summary: `${method.toUpperCase()} is refused: artifacts are write-once`,
    description:
      "Always answers 405 (after a 400 for a malformed run_id): no API call modifies or deletes an artifact. Later context is added with advisories (POST /runs/{run_id}/attach-advisory).",
    request: { params: RunIdParams },
    responses: problemResponses(400, 405),
  }),
);
