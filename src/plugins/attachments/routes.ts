/**
 * The attachments plugin's route definitions (createRoute only): the raw upload, the
 * run's attachment list, the download with its conditional and range answers, and the
 * re-hash report — with every status code, as they appear in openapi.json.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { AttachmentRefSchema, RunIdSchema, Sha256Schema } from "../../contracts/artifact.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "attachments";

/** Any bytes: declared without a zod schema, so that no JSON parsing or JSON body limit applies. */
const BINARY = { schema: { type: "string" as const, format: "binary" } };

export const UploadResultSchema = z
  .object({
    sha256: Sha256Schema,
    size_bytes: z.number().int().nonnegative(),
    mime: z.string().openapi({ description: "The request's Content-Type (application/octet-stream when none)." }),
  })
  .openapi("AttachmentUpload");

export const RunAttachmentListSchema = z
  .object({
    run_id: RunIdSchema,
    items: z.array(AttachmentRefSchema),
  })
  .openapi("RunAttachmentList");

export const BlobCheckSchema = z
  .object({
    sha256: z.string(),
    ok: z.boolean(),
    reason: z.string().openapi({ description: "ok, missing, truncated, altered, or a read error" }),
    detail: z.string().optional(),
  })
  .openapi("BlobCheck");

export const AttachmentVerifyReportSchema = z
  .object({ ok: z.boolean(), results: z.array(BlobCheckSchema) })
  .openapi("AttachmentVerifyReport");

const RunParams = z.object({
  run_id: RunIdSchema.openapi({ param: { name: "run_id", in: "path" } }),
});

const RunBlobParams = z.object({
  run_id: RunIdSchema.openapi({ param: { name: "run_id", in: "path" } }),
  sha256: Sha256Schema.openapi({ param: { name: "sha256", in: "path" } }),
});

export const uploadAttachmentRoute = createRoute({
  method: "post",
  path: "/attachments",
  operationId: "uploadAttachment",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Upload a blob (raw body, any media type); it is named by its SHA-256",
  description:
    "The body is streamed to storage while it is hashed and becomes visible only when complete and synced. " +
    "201 when stored now, 200 when the same content was already stored. Send `Content-Digest: sha-256=:<base64>:` " +
    "or `?sha256=<hex>` to have the upload refused (422) unless the bytes match. Larger than RMOS_MAX_ATTACHMENT_BYTES: 413. " +
    "Name the blob in a run's `attachments[]` (with its size_bytes) to attach it.",
  request: {
    query: z
      .object({
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters")
          .optional()
          .openapi({ description: "The SHA-256 the body must have (hex)." }),
      })
      .strict(),
    headers: z.object({
      "content-digest": z.string().optional().openapi({
        description: "RFC 9530 digest of the body; sha-256 is checked.",
        example: "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
      }),
    }),
    body: { required: true, description: "The blob's bytes.", content: { "*/*": BINARY } },
  },
  responses: {
    201: jsonContent(UploadResultSchema, "stored"),
    200: jsonContent(UploadResultSchema, "the same content was already stored"),
    ...problemResponses(400, 413, 422),
    507: { ...problemResponses(507)[507]!, description: "The blob store is out of space; nothing was stored." },
  },
});

export const listRunAttachmentsRoute = createRoute({
  method: "get",
  path: "/runs/{run_id}/attachments",
  operationId: "listRunAttachments",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "The run's attachment references",
  description:
    "The attachments the run was created with: sha256, kind, mime, filename and size of each. The bytes are fetched one by one from /runs/{run_id}/attachments/{sha256}.",
  request: { params: RunParams },
  responses: { 200: jsonContent(RunAttachmentListSchema, "the run's attachments"), ...problemResponses(400, 404) },
});

export const verifyRunAttachmentsRoute = createRoute({
  method: "get",
  path: "/runs/{run_id}/attachments/verify",
  operationId: "verifyRunAttachments",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Re-hash every blob the run references",
  description:
    "Each result names the blob and why it failed: missing, truncated (shorter than the reference says), or altered.",
  request: { params: RunParams },
  responses: {
    200: jsonContent(AttachmentVerifyReportSchema, "one result per attachment"),
    ...problemResponses(400, 404),
  },
});

const downloadHeaders = {
  ETag: { schema: { type: "string" as const }, description: "the quoted sha256 (strong)" },
  "Content-Length": { schema: { type: "integer" as const } },
  "Accept-Ranges": { schema: { type: "string" as const }, description: "bytes" },
};

export const getRunAttachmentRoute = createRoute({
  method: "get",
  path: "/runs/{run_id}/attachments/{sha256}",
  operationId: "getRunAttachment",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "The bytes of a blob the run references",
  description:
    "Content-Type is the run record's mime. ETag is the sha256; If-None-Match → 304. One `Range: bytes=` range → 206 " +
    "(several ranges, or a malformed header, are ignored: 200); a range past the end → 416. If-Range is honoured. " +
    "A sha256 the run does not reference → 404.",
  request: {
    params: RunBlobParams,
    headers: z.object({
      range: z.string().optional().openapi({ example: "bytes=0-1023" }),
      "if-range": z.string().optional(),
      "if-none-match": z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: "the whole blob",
      headers: { ...downloadHeaders, "Repr-Digest": { schema: { type: "string" }, description: "sha-256=:<base64>:" } },
      content: { "*/*": BINARY },
    },
    206: {
      description: "one range of the blob",
      headers: {
        ...downloadHeaders,
        "Content-Range": { schema: { type: "string" }, description: "bytes first-last/size" },
      },
      content: { "*/*": BINARY },
    },
    304: { description: "not modified (If-None-Match matched)" },
    ...problemResponses(400, 404, 416),
  },
});
