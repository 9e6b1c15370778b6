/**
 * The transparency-log plugin's route definitions (createRoute only): the C2SP
 * tlog-tiles read API (checkpoint, hash tiles, entry bundles), the verifier key, the
 * proof endpoints and a receipt by (type, id), with every status code. A tile's
 * `<N>` spans one to three path elements and `.p/<W>` one more, so the tile API is
 * declared once per depth (1–4 elements after the level); `level` is 0–63 or
 * `entries`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import { receiptResponses } from "../../contracts/log_receipts.js";
import { LEAF_TYPES } from "../../contracts/tlog/leaf.js";

const TAG = "transparency-log";

const count = (description: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, "must be a whole number without leading zeroes")
    .transform(Number)
    .refine(Number.isSafeInteger, "too large")
    .openapi({ type: "integer", description });

const TEXT = { "text/plain; charset=utf-8": { schema: { type: "string" as const } } };
const BINARY = { "application/octet-stream": { schema: { type: "string" as const, format: "binary" } } };

export const InclusionProofSchema = z
  .object({ index: z.number().int(), size: z.number().int(), hashes: z.array(z.string()) })
  .openapi("LogInclusionProof");

export const ConsistencyProofSchema = z
  .object({ from: z.number().int(), to: z.number().int(), hashes: z.array(z.string()) })
  .openapi("LogConsistencyProof");

export const checkpointRoute = createRoute({
  ...operationRoles(ROLES_FOR.read),
  method: "get",
  path: "/log/checkpoint",
  operationId: "getLogCheckpoint",
  tags: [TAG],
  summary: "The latest signed checkpoint (C2SP tlog-checkpoint as a signed note)",
  description:
    "The origin, the tree size and the base64 root hash, signed with the log's Ed25519 key as a C2SP signed note; verify it with GET /log/verifier-key. Never cached: a new one is signed within RMOS_LOG_CHECKPOINT_INTERVAL_MS of an append.",
  responses: { 200: { description: "the signed note", content: TEXT } },
});

export const verifierKeyRoute = createRoute({
  ...operationRoles(ROLES_FOR.read),
  method: "get",
  path: "/log/verifier-key",
  operationId: "getLogVerifierKey",
  tags: [TAG],
  summary: "The log's verifier key: <origin>+<8 hex key id>+<base64(0x01 ‖ Ed25519 public key)>",
  description:
    "The public key that checks every checkpoint and receipt of this log offline (the text form of Go's sumdb/note). Publish it; a receipt verified against another key proves nothing.",
  responses: { 200: { description: "the verifier key", content: TEXT } },
});

const levelParam = z
  .string()
  .openapi({ param: { name: "level", in: "path" }, description: "0–63, or `entries` for entry bundles" });
const element = (name: string) =>
  z.string().openapi({ param: { name, in: "path" }, description: "a tile index element (x001, 067) or .p/<W>" });

/** The tile routes, one per number of path elements after the level (1–4). */
export const tileRoutes = [1, 2, 3, 4].map((depth) => {
  const names = Array.from({ length: depth }, (_, i) => `n${i + 1}`);
  return createRoute({
    ...operationRoles(ROLES_FOR.read),
    method: "get",
    path: `/log/tile/{level}/${names.map((n) => `{${n}}`).join("/")}`,
    operationId: `getLogTile${depth}`,
    tags: [TAG],
    summary: `A hash tile or entry bundle whose path has ${depth} element(s) after the level (C2SP tlog-tiles)`,
    description:
      "tile/<L>/<N>[.p/<W>]: 256 hashes (8 192 bytes) of tree level 8·L, or W of them for a partial tile; tile/entries/<N>[.p/<W>]: the leaves, each prefixed by its big-endian uint16 length. Full tiles are immutable (cached for a year); a tile not yet complete exists only in its partial form.",
    request: {
      params: z.object({ level: levelParam, ...Object.fromEntries(names.map((n) => [n, element(n)])) }),
    },
    responses: {
      200: {
        description: "the tile",
        content: BINARY,
        headers: { "Cache-Control": { schema: { type: "string" }, description: "immutable for full tiles" } },
      },
      ...problemResponses(400, 404),
    },
  });
});

export const inclusionProofRoute = createRoute({
  ...operationRoles(ROLES_FOR.read),
  method: "get",
  path: "/log/proof/inclusion",
  operationId: "getLogInclusionProof",
  tags: [TAG],
  summary: "The RFC 9162 inclusion proof of leaf `index` in the tree of size `size`",
  description:
    "The audit path (base64 hashes) from leaf `index` to the root of the tree of size `size`. 400 when index ≥ size; 404 when the log is not that large yet.",
  request: { query: z.object({ index: count("leaf index"), size: count("tree size") }).strict() },
  responses: {
    200: jsonContent(InclusionProofSchema, "the audit path"),
    ...problemResponses(400, 404),
  },
});

export const consistencyProofRoute = createRoute({
  ...operationRoles(ROLES_FOR.read),
  method: "get",
  path: "/log/proof/consistency",
  operationId: "getLogConsistencyProof",
  tags: [TAG],
  summary: "The RFC 9162 consistency proof between the trees of sizes `from` and `to`",
  description:
    "Proves that the tree of size `to` extends the tree of size `from` (base64 hashes): check a kept checkpoint against a newer one. 400 when from > to; 404 when the log is not that large yet.",
  request: { query: z.object({ from: count("first tree size"), to: count("second tree size") }).strict() },
  responses: {
    200: jsonContent(ConsistencyProofSchema, "the consistency path"),
    ...problemResponses(400, 404),
  },
});

export const receiptRoute = createRoute({
  ...operationRoles(ROLES_FOR.read),
  method: "get",
  path: "/log/receipt",
  operationId: "getLogReceipt",
  tags: [TAG],
  summary: "The inclusion receipt of the record (type, id) against the latest signed checkpoint",
  description:
    "The leaf, its inclusion proof and the latest signed checkpoint that covers it — verifiable offline with the verifier key. 202 with Retry-After while no signed checkpoint covers the leaf yet; 404 when the log holds no such record.",
  request: {
    query: z
      .object({
        type: z.enum(LEAF_TYPES),
        id: z.string().min(1).max(256),
      })
      .strict(),
  },
  responses: receiptResponses(),
});
