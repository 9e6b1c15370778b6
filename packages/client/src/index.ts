/**
 * @rmos/client — the typed client of the RMOS Runs service. Start with
 * {@link createRmosClient}; errors are {@link RmosProblem} (an error answer, with its
 * problem+json fields) or {@link RmosConnectionError} (no answer). The data types are
 * generated from the service's openapi.json (`paths`, `components` for the raw ones).
 */
export type { AdvisoriesApi } from "./advisories.js";
export type {
  AttachmentsApi,
  ByteRange,
  Download,
  DownloadOptions,
  UploadOptions,
  UploadResult,
} from "./attachments.js";
export { createRmosClient, type RmosClient, type RmosClientOptions } from "./client.js";
export { type ProblemFields, RmosConnectionError, RmosProblem } from "./problem.js";
export { type CallOptions, type CreateRunOptions, newIdempotencyKey, type RunsApi } from "./runs.js";
export type { components, paths } from "./schema.js";
export type { SessionsApi } from "./sessions.js";
export type { FetchLike } from "./transport.js";
export type * from "./types.js";
export type { NodeReadableLike, UploadData } from "./upload_source.js";
