/**
 * Copying the attachment blobs of a v1 store (`<from>/attachments/<sha[:2]>/<sha>`)
 * into the blob store. Only names that are 64 lowercase hex ever become paths. A copy
 * is streamed into the store with the expected SHA-256: the store hashes the very bytes
 * it writes and refuses them unless they hash to the name, so every stored copy is
 * re-verified against the v1 name (a v1 file that does not match is "altered" and is not
 * copied; the same content already stored is hashed again from the v1 file, not
 * trusted). Reading the copy back at once would only re-read the page cache; `rmos
 * verify` re-hashes every blob from disk. A blob missing from the v1 store is "missing" —
 * unless the blob store holds it already ("elsewhere"). A dry run hashes the v1 file
 * instead of copying it. v1 blobs are copied whatever their size: the upload limit is
 * for clients, not for the installation's own history.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { SHA256_PATTERN } from "../../contracts/ids.js";
import { BlobDigestMismatchError, type BlobStore } from "../../contracts/ports/blob_store.js";
import { openQuietly, readFileQuietlySync } from "./quiet_reads.js";

/** What was found for a referenced blob in the v1 store. */
export type BlobPresence = "present" | "missing" | "elsewhere";

/** A referenced blob as found: where, and its size in the v1 store (0 when not there). */
export interface BlobSource {
  readonly presence: BlobPresence;
  readonly size: number;
}

/** Blobs up to this size are read in one piece; larger ones are streamed. */
export const WHOLE_READ_BYTES = 1024 * 1024;
/** Blobs up to this size are read with one synchronous call. */
export const SYNC_READ_BYTES = 64 * 1024;
/** What a transfer did. */
export type BlobTransferOutcome = "copied" | "altered";

/** The blob store answered another name than the one it was asked to verify against. */
export class BlobCopyError extends Error {
  override readonly name = "BlobCopyError";
}

export class BlobTransfer {
  constructor(
    private readonly fromDir: string,
    private readonly blobs: BlobStore,
  ) {}

  /** The v1 path of a blob. */
  sourceOf(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new TypeError(`${JSON.stringify(sha256)} is not a sha256`);
    return path.join(this.fromDir, "attachments", sha256.slice(0, 2), sha256);
  }

  /**
   * Whether the v1 store has the blob (and its size), or (when it does not) the blob
   * store. The v1 store is only read, so a synchronous stat there takes microseconds —
   * less than a thread-pool round trip.
   */
  async inspect(sha256: string): Promise<BlobSource> {
    const st = statSync(this.sourceOf(sha256), { throwIfNoEntry: false });
    if (st?.isFile()) return { presence: "present", size: st.size };
    return { presence: (await this.blobs.stat(sha256)) ? "elsewhere" : "missing", size: 0 };
  }

  /**
   * The v1 file's bytes: read synchronously when tiny (one call of microseconds instead
   * of four thread-pool round trips: most v1 attachments are a few KiB of G-code), in one
   * piece when small, else as a stream; without touching its access time (quiet_reads.ts).
   */
  async #body(source: string, size: number): Promise<AsyncIterable<Uint8Array>> {
    let bytes: Buffer;
    if (size <= SYNC_READ_BYTES) bytes = readFileQuietlySync(source);
    else {
      const handle = await openQuietly(source);
      if (size > WHOLE_READ_BYTES) return handle.createReadStream({ highWaterMark: WHOLE_READ_BYTES });
      try {
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    }
    return (async function* () {
      yield bytes;
    })();
  }

  /** Copies a present v1 blob into the store, verified against its name (a dry run only hashes it). */
  async transfer(sha256: string, options: { dryRun: boolean; size: number }): Promise<BlobTransferOutcome> {
    const source = this.sourceOf(sha256);
    const body = await this.#body(source, options.size);
    if (options.dryRun) {
      const hash = createHash("sha256");
      for await (const chunk of body) hash.update(chunk);
      return hash.digest("hex") === sha256 ? "copied" : "altered";
    }
    try {
      const { info } = await this.blobs.put(body, {
        maxBytes: Number.MAX_SAFE_INTEGER,
        expectedSha256: sha256,
        sizeHint: options.size,
      });
      if (info.sha256 !== sha256) throw new BlobCopyError(`the blob store stored ${sha256} as ${info.sha256}`);
    } catch (error) {
      if (error instanceof BlobDigestMismatchError) return "altered";
      throw error;
    }
    return "copied";
  }
}
