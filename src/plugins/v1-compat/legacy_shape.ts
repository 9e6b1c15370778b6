/**
 * A 2.0.0 artifact in the legacy v1 shape, for old clients (`GET /v1/runs/{run_id}`)
 * of runs the service created itself (imported runs are answered with their original
 * record bytes instead). v1 records had the hashes at the top level (`request_hash`,
 * `toolpaths_hash`, `gcode_hash`), `null` where v2 leaves a member out, and times as
 * Python's `datetime.isoformat()` wrote them (`+00:00`, six fraction digits or none),
 * which also Python before 3.11 can parse (it refused `Z`). Each attachment carries the
 * run's time as its `created_at_utc`, as v1 attachments did. v2-only members
 * (schema_version, advisory_inputs, created_by, provenance, migration_history) are not
 * part of the shape. Pure.
 */

type Json = Record<string, unknown>;

/** The legacy v1 record of a run. */
export interface LegacyV1Record {
  readonly run_id: string;
  readonly created_at_utc: string;
  readonly mode: unknown;
  readonly tool_id: unknown;
  readonly status: unknown;
  readonly request_summary: unknown;
  readonly feasibility: unknown;
  readonly decision: Json;
  readonly request_hash: string | null;
  readonly toolpaths_hash: string | null;
  readonly gcode_hash: string | null;
  readonly outputs: Json;
  readonly attachments: Json[];
  readonly meta: unknown;
}

/** `2025-12-12T03:19:54.841Z` → `2025-12-12T03:19:54.841000+00:00`, as Python's isoformat writes it. */
export function toPythonIsoformat(utc: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(utc);
  if (!m) return utc;
  const micros = (m[2] ?? "").padEnd(6, "0").slice(0, 6);
  return `${m[1]}${/^0*$/.test(micros) ? "" : `.${micros}`}+00:00`;
}

function objectOf(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** The legacy v1 shape of a (current-version) artifact. */
export function toLegacyShape(artifact: Json): LegacyV1Record {
  const created = toPythonIsoformat(String(artifact.created_at_utc));
  const decision = objectOf(artifact.decision);
  const hashes = objectOf(artifact.hashes);
  const outputs = objectOf(artifact.outputs);
  const attachments = Array.isArray(artifact.attachments) ? (artifact.attachments as unknown[]) : [];
  return {
    run_id: String(artifact.run_id),
    created_at_utc: created,
    mode: artifact.mode,
    tool_id: artifact.tool_id,
    status: artifact.status,
    request_summary: artifact.request_summary,
    feasibility: artifact.feasibility,
    decision: {
      risk_level: decision.risk_level,
      score: decision.score ?? null,
      block_reason: decision.block_reason ?? null,
      warnings: decision.warnings ?? [],
      details: decision.details ?? {},
    },
    request_hash: (hashes.feasibility_sha256 as string | undefined) ?? null,
    toolpaths_hash: (hashes.toolpaths_sha256 as string | undefined) ?? null,
    gcode_hash: (hashes.gcode_sha256 as string | undefined) ?? null,
    outputs: {
      gcode_text: outputs.gcode_text ?? null,
      toolpaths: outputs.toolpaths ?? null,
      opplan_json: outputs.opplan_json ?? null,
    },
    attachments: attachments.map((a) => ({ ...objectOf(a), created_at_utc: created })),
    meta: artifact.meta ?? {},
  };
}
