/**
 * The v1-compat plugin's route definitions (createRoute only): the legacy read
 * `GET /v1/runs/{run_id}` for old clients, and the legacy `PATCH /runs/{run_id}/meta`,
 * which is gone (410). Paths are relative to /api/rmos.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { RunIdSchema } from "../../contracts/artifact.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "v1-compat";

const RunIdParams = z.object({
  run_id: RunIdSchema.openapi({ param: { name: "run_id", in: "path" } }),
});

const Hash = z.string().nullable().openapi({ description: "SHA-256 (hex), or null when v1 had none" });

/** The legacy v1 record. Imported runs answer their original bytes, which may hold dirt v1 accepted. */
export const V1RunSchema = z
  .object({
    run_id: z.string(),
    created_at_utc: z
      .string()
      .openapi({ description: "as Python's isoformat wrote it, e.g. 2025-12-12T03:19:54.841235+00:00" }),
    mode: z.unknown(),
    tool_id: z.unknown(),
    status: z.unknown(),
    request_summary: z.unknown(),
    feasibility: z.unknown(),
    decision: z.record(z.string(), z.unknown()),
    request_hash: Hash,
    toolpaths_hash: Hash,
    gcode_hash: Hash,
    outputs: z.record(z.string(), z.unknown()),
    attachments: z.array(z.record(z.string(), z.unknown())),
    meta: z.unknown(),
  })
  .catchall(z.unknown())
  .openapi("V1Run", {
    description:
      "A run in the legacy v1 shape. For runs imported from v1: the exact record v1 stored. For runs created since: mapped back from the artifact (request_hash is then its RFC 8785 feasibility_sha256).",
  });

export const getRunV1Route = createRoute({
  method: "get",
  path: "/v1/runs/{run_id}",
  operationId: "getRunV1",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Get a run in the legacy v1 shape (for old clients)",
  description:
    "Deprecated: use GET /runs/{run_id}. Imported runs are answered with their original v1 record, byte for byte; runs created since are mapped back to the v1 shape. X-Rmos-V1-Source says which (v1-record or mapped); X-Rmos-Hash-Method how request_hash was computed.",
  request: {
    params: RunIdParams,
    headers: z.object({ "if-none-match": z.string().optional() }),
  },
  responses: {
    200: {
      ...jsonContent(V1RunSchema, "the run in the v1 shape"),
      headers: {
        ETag: { schema: { type: "string" }, description: "quoted sha256 of the body" },
        Deprecation: { schema: { type: "string" }, description: "always true: the v1 API is deprecated" },
        Link: { schema: { type: "string" }, description: "the successor: the run's current-version URL" },
        "X-Rmos-V1-Source": { schema: { type: "string", enum: ["v1-record", "mapped"] } },
        "X-Rmos-Hash-Method": { schema: { type: "string" } },
      },
    },
    304: { description: "not modified (If-None-Match matched)" },
    ...problemResponses(400, 404),
  },
});

export const patchRunMetaGoneRoute = createRoute({
  method: "patch",
  path: "/runs/{run_id}/meta",
  operationId: "patchRunMetaGone",
  // A refusal by contract that changes nothing: every role gets the same answer (and a
  // read-only compliance run with an auditor token can check it).
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Gone: artifacts are immutable; add context with advisories",
  description:
    "The v1 API let clients patch a run's meta. Artifacts are write-once now: this answers 410 Gone for every existing run, pointing to POST /runs/{run_id}/attach-advisory.",
  request: { params: RunIdParams },
  responses: problemResponses(400, 404, 410),
});
