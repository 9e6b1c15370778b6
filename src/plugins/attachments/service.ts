/**
 * The rules of the attachments plugin, free of HTTP types: upload within the size
 * limit and against the client's digest claim, the attachment references of a run,
 * finding a blob that a run references (and refusing one whose stored size is not the
 * recorded one), and re-hashing a run's blobs. Failures are ProblemErrors with the
 * status the API answers.
 */
import type { Readable, Writable } from "node:stream";
import type { AttachmentRef } from "../../contracts/artifact.js";
import {
  type BlobCheck,
  BlobDigestMismatchError,
  type BlobInfo,
  type BlobStore,
  BlobTooLargeError,
} from "../../contracts/ports/blob_store.js";
import type { RunStore, StoredArtifact } from "../../contracts/ports/run_store.js";
import { getRunOrProblem } from "../../contracts/run_lookup.js";
import { ProblemError } from "../../contracts/problem.js";

export interface AttachmentsServiceDeps {
  readonly blobs: BlobStore;
  readonly runs: RunStore;
  /** RMOS_MAX_ATTACHMENT_BYTES */
  readonly maxBytes: number;
  /** Told of every accepted upload (for metrics). */
  readonly onUpload?: (outcome: { created: boolean; sizeBytes: number }) => void;
}

export interface UploadOptions {
  /** The Content-Length the client declared, when it did. */
  readonly declaredLength?: number | undefined;
  readonly expectedSha256?: string | undefined;
  readonly mime: string;
}

export interface UploadResult {
  readonly sha256: string;
  readonly size_bytes: number;
  readonly mime: string;
}

/** The well-formed attachment references of a stored artifact (any schema version). */
export function attachmentRefsOf(artifact: StoredArtifact): AttachmentRef[] {
  const list = artifact.attachments;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is AttachmentRef => typeof a === "object" && a !== null && typeof (a as AttachmentRef).sha256 === "string",
  );
}

function tooLarge(maxBytes: number): ProblemError {
  return new ProblemError(
    413,
    `the attachment is larger than the limit of ${maxBytes} bytes (RMOS_MAX_ATTACHMENT_BYTES)`,
    {
      slug: "attachment-too-large",
      extensions: { max_bytes: maxBytes },
      // The rest of the body is not read: close the connection rather than drain it.
      headers: { connection: "close" },
    },
  );
}

export class AttachmentsService {
  constructor(private readonly deps: AttachmentsServiceDeps) {}

  /** Streams an upload into the blob store; `created` is false when the content was already there. */
  async upload(
    body: AsyncIterable<Uint8Array>,
    options: UploadOptions,
  ): Promise<{ created: boolean; result: UploadResult }> {
    const { maxBytes } = this.deps;
    if (options.declaredLength !== undefined && options.declaredLength > maxBytes) throw tooLarge(maxBytes);
    let stored: { info: BlobInfo; created: boolean };
    try {
      stored = await this.deps.blobs.put(body, { maxBytes, expectedSha256: options.expectedSha256 });
    } catch (error) {
      if (error instanceof BlobTooLargeError) throw tooLarge(maxBytes);
      if (error instanceof BlobDigestMismatchError) {
        throw new ProblemError(422, `${error.message}; nothing was stored`, {
          slug: "digest-mismatch",
          extensions: { expected_sha256: error.expected, actual_sha256: error.actual },
        });
      }
      if ((error as NodeJS.ErrnoException).code === "ENOSPC") {
        throw new ProblemError(507, "the blob store is out of space; nothing was stored", {
          slug: "insufficient-storage",
          title: "Insufficient Storage",
        });
      }
      throw error;
    }
    this.deps.onUpload?.({ created: stored.created, sizeBytes: stored.info.size_bytes });
    return {
      created: stored.created,
      result: { sha256: stored.info.sha256, size_bytes: stored.info.size_bytes, mime: options.mime },
    };
  }

  /** The stored artifact of a run; 404 unknown, 500 when its stored bytes are damaged. */
  async #artifact(runId: string, fresh = false): Promise<StoredArtifact> {
    return (await getRunOrProblem(this.deps.runs, runId, fresh ? { fresh } : undefined)).artifact;
  }

  /** The run's attachment references. */
  async list(runId: string): Promise<AttachmentRef[]> {
    return attachmentRefsOf(await this.#artifact(runId));
  }

  /**
   * The reference and stored blob for a download. 404 when the run does not name the
   * blob; 500 when the blob the run names is gone or not the recorded size — the bytes
   * are not served then, as they are not what the run recorded.
   */
  async locate(runId: string, sha256: string): Promise<{ ref: AttachmentRef; info: BlobInfo }> {
    const ref = attachmentRefsOf(await this.#artifact(runId)).find((a) => a.sha256 === sha256);
    if (!ref) {
      throw new ProblemError(404, `run ${runId} does not reference attachment ${sha256}`, { slug: "not-found" });
    }
    const info = await this.deps.blobs.stat(sha256);
    if (!info) {
      throw new ProblemError(
        500,
        `the blob ${sha256} that run ${runId} references is missing from storage; run \`rmos verify\``,
        {
          slug: "stored-blob-missing",
        },
      );
    }
    if (info.size_bytes !== ref.size_bytes) {
      throw new ProblemError(
        500,
        `the stored blob ${sha256} has ${info.size_bytes} bytes, the run recorded ${ref.size_bytes}; run \`rmos verify\``,
        { slug: "stored-blob-corrupt" },
      );
    }
    return { ref, info };
  }

  /** A stream of a located blob's bytes, `end` inclusive. */
  read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    return this.deps.blobs.read(sha256, range);
  }

  /** Whether the blob store can write straight into a Node writable (see {@link BlobStore.copyTo}). */
  get canCopy(): boolean {
    return typeof this.deps.blobs.copyTo === "function";
  }

  /** Writes a located blob's bytes into `sink` (only when {@link canCopy}). */
  copyTo(sha256: string, sink: Writable, range?: { start: number; end: number }): Promise<void> {
    const copy = this.deps.blobs.copyTo;
    if (!copy) throw new Error("this blob store cannot copy into a writable");
    return copy.call(this.deps.blobs, sha256, sink, range);
  }

  /** Re-hashes every blob the run references. */
  async verifyRun(runId: string): Promise<{ ok: boolean; results: BlobCheck[] }> {
    const refs = attachmentRefsOf(await this.#artifact(runId, true));
    const results: BlobCheck[] = [];
    for (const ref of refs) results.push(await this.deps.blobs.verify(ref.sha256, ref.size_bytes));
    return { ok: results.every((r) => r.ok), results };
  }
}
