/**
 * `client.attachments`: upload a blob from a file path, a stream or bytes — streamed,
 * never buffered whole by the client — and read a run's attachments back, whole or a
 * byte range. Blobs are named by their SHA-256, so uploading the same bytes twice is
 * harmless; an upload from a path or bytes is therefore retried like a read, while a
 * stream (readable once) is not.
 */
import type { CallOptions } from "./runs.js";
import { jsonOf, type Transport } from "./transport.js";
import type { AttachmentUpload, AttachmentVerifyReport, RunAttachmentList } from "./types.js";
import { type UploadData, uploadBody } from "./upload_source.js";

/** Options of {@link AttachmentsApi.upload}. */
export interface UploadOptions extends CallOptions {
  /** The media type, sent as Content-Type and recorded with the blob. */
  readonly mime: string;
  /** A file name to carry into the run's attachment reference (the blob itself is named by its hash). */
  readonly filename?: string;
  /** The expected SHA-256 (hex): the service refuses the upload (422) unless the bytes match. */
  readonly sha256?: string;
}

/** What an upload answers, plus the file name given (ready for a run's `attachments[]`). */
export type UploadResult = AttachmentUpload & { readonly filename?: string; readonly created: boolean };

/** A byte range: `start` and `end` inclusive (`end` left out: to the end). */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

/** Options of {@link AttachmentsApi.download}. */
export interface DownloadOptions extends CallOptions {
  readonly range?: ByteRange;
}

/** An attachment being downloaded: its headers, and its bytes as a stream or whole. */
export interface Download {
  /** 200 for the whole blob, 206 for a range. */
  readonly status: 200 | 206;
  readonly mime: string;
  /** Content-Length of this answer, when sent. */
  readonly sizeBytes?: number;
  /** Content-Range of a 206, e.g. `bytes 0-9/1234`. */
  readonly contentRange?: string;
  /** The quoted SHA-256 of the whole blob. */
  readonly etag?: string;
  /** The bytes, streamed (read this or `bytes()`, once). */
  readonly body: ReadableStream<Uint8Array>;
  /** The bytes, read whole. */
  bytes(): Promise<Uint8Array>;
}

/** The attachments resource. */
export interface AttachmentsApi {
  upload(data: UploadData, options: UploadOptions): Promise<UploadResult>;
  download(runId: string, sha256: string, options?: DownloadOptions): Promise<Download>;
  /** The attachments a run references. */
  list(runId: string, options?: CallOptions): Promise<RunAttachmentList>;
  /** The service re-hashes every blob the run references. */
  verify(runId: string, options?: CallOptions): Promise<AttachmentVerifyReport>;
}

function rangeHeader(range: ByteRange): string {
  const ok = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0);
  if (!ok(range.start) || !ok(range.end) || (range.end !== undefined && range.end < range.start)) {
    throw new RangeError(`not a byte range: ${JSON.stringify(range)}`);
  }
  return `bytes=${range.start}-${range.end ?? ""}`;
}

const runPath = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

/** The attachments resource over `transport`. */
export function attachmentsApi(transport: Transport): AttachmentsApi {
  return {
    async upload(data, options) {
      const source = await uploadBody(data);
      const res = await transport.send({
        method: "POST",
        path: "/attachments",
        query: { sha256: options.sha256 },
        headers: { "content-type": options.mime },
        body: source.body,
        retry: source.repeatable,
        expect: [200, 201],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const stored = await jsonOf<AttachmentUpload>(res);
      return {
        ...stored,
        created: res.status === 201,
        ...(options.filename !== undefined ? { filename: options.filename } : {}),
      };
    },

    async download(runId, sha256, options = {}) {
      const res = await transport.send({
        method: "GET",
        path: `${runPath(runId)}/attachments/${encodeURIComponent(sha256)}`,
        headers: options.range ? { range: rangeHeader(options.range) } : {},
        retry: true,
        expect: options.range ? [200, 206] : [200],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const length = res.headers.get("content-length");
      const body = res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      const contentRange = res.headers.get("content-range");
      const etag = res.headers.get("etag");
      return {
        status: res.status as 200 | 206,
        mime: res.headers.get("content-type") ?? "application/octet-stream",
        ...(length !== null ? { sizeBytes: Number(length) } : {}),
        ...(contentRange !== null ? { contentRange } : {}),
        ...(etag !== null ? { etag } : {}),
        body,
        bytes: async () => new Uint8Array(await new Response(body).arrayBuffer()),
      };
    },

    async list(runId, options = {}) {
      return jsonOf<RunAttachmentList>(
        await transport.send({
          method: "GET",
          path: `${runPath(runId)}/attachments`,
          retry: true,
          expect: [200],
          ...options,
        }),
      );
    },

    async verify(runId, options = {}) {
      return jsonOf<AttachmentVerifyReport>(
        await transport.send({
          method: "GET",
          path: `${runPath(runId)}/attachments/verify`,
          retry: true,
          expect: [200],
          ...options,
        }),
      );
    },
  };
}
