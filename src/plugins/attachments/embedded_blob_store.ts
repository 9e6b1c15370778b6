/**
 * The embedded blob store: content-addressed files under `<data>/blobs/<sha[0:2]>/<sha>`.
 *
 * An upload is streamed into a `.tmp-*` file in `<data>/blobs/` while it is hashed —
 * never held whole in memory: once the body passes {@link WRITE_BATCH_BYTES}, it goes
 * through a bounded ring that a worker thread hashes while the thread pool writes it
 * (see streaming_upload.ts); a smaller body is hashed here and written in one piece,
 * beside its final name. Only when the body is complete,
 * within the size limit and (when the client sent one) matching the expected digest,
 * is the temp file synced (fdatasync) and hard-linked to its final name; `link` fails
 * when the name exists, so of concurrent uploads of the same bytes exactly one creates
 * the blob and the others answer "already there". The shard directory is fsynced after the
 * link, so an acknowledged blob survives a crash. A crash mid-upload leaves only a
 * temp file, which `open` removes. Final names are only ever made from a digest this
 * store computed, and every name from outside is checked against the SHA-256 pattern
 * before it becomes a path.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { SHA256_PATTERN } from "../../contracts/ids.js";
import {
  type BlobCheck,
  BlobDigestMismatchError,
  type BlobInfo,
  BlobNotFoundError,
  type BlobPutOptions,
  type BlobStore,
  BlobTooLargeError,
} from "../../contracts/ports/blob_store.js";
import {
  ensureDirDurable,
  fsyncDir,
  linkOnceDurable,
  removeTempFiles,
  tempNameFor,
  writeOnceDurable,
} from "../../kernel/plugin_api/storage.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { StreamingUpload } from "./streaming_upload.js";
import { confirmContent } from "./confirm_content.js";

/** Bytes gathered before an upload goes to a temp file; a body smaller than this is written in one piece. */
export const WRITE_BATCH_BYTES = 1024 * 1024;
/** Read size when re-hashing and streaming blobs. */
export const READ_CHUNK_BYTES = 1024 * 1024;

const SHARD_PATTERN = /^[0-9a-f]{2}$/;

export interface EmbeddedBlobStoreOptions {
  /** The data root; blobs live in `<dataDir>/blobs/`. */
  readonly dataDir: string;
  readonly logger?: Logger | undefined;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The embedded {@link BlobStore}. */
export class EmbeddedBlobStore implements BlobStore {
  /** `<dataDir>/blobs` */
  readonly root: string;
  readonly #logger: Logger | undefined;

  constructor(options: EmbeddedBlobStoreOptions) {
    this.root = path.join(path.resolve(options.dataDir), "blobs");
    this.#logger = options.logger;
  }

  /** Creates the blob directory and removes the temp files that a crash left behind. */
  async open(): Promise<void> {
    await ensureDirDurable(this.root);
    let removed = await removeTempFiles(this.root);
    for (const shard of await this.#shards()) removed += await removeTempFiles(path.join(this.root, shard));
    if (removed > 0) this.#logger?.warn({ removed }, "removed partial uploads left by an earlier stop");
  }

  /** The path of a blob; only for names that passed {@link SHA256_PATTERN}. */
  pathOf(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new BlobNotFoundError(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(body: AsyncIterable<Uint8Array>, options: BlobPutOptions): Promise<{ info: BlobInfo; created: boolean }> {
    const expected = options.expectedSha256;
    if (expected !== undefined && !SHA256_PATTERN.test(expected)) {
      throw new TypeError("expectedSha256 must be 64 lowercase hex characters");
    }
    // A body known to be small is written in one piece without looking first: the
    // look costs more than the write, and write-once answers "exists" anyway.
    const small = options.sizeHint !== undefined && options.sizeHint <= WRITE_BATCH_BYTES;
    if (expected !== undefined && !small && this.#isStored(expected)) {
      return this.#confirmExisting(body, expected, options);
    }
    await ensureDirDurable(this.root);
    let size = 0;
    // The first bytes, until they make a full batch: a smaller body is hashed and written in one piece below.
    const batch: Uint8Array[] = [];
    let batchBytes = 0;
    // Opened at the first full batch, which it is given; every later chunk goes straight to it.
    let upload: StreamingUpload | undefined;
    let sha256: string;
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
        if (upload) {
          await upload.write(chunk);
          continue;
        }
        batch.push(chunk);
        batchBytes += chunk.byteLength;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          upload = await StreamingUpload.open(path.join(this.root, tempNameFor("upload")));
          for (const early of batch.splice(0)) await upload.write(early);
        }
      }
      if (upload) sha256 = await upload.complete();
      else {
        const hash = createHash("sha256");
        for (const early of batch) hash.update(early);
        sha256 = hash.digest("hex");
      }
    } catch (error) {
      await upload?.abandon(this.#logger);
      throw error;
    }
    const info: BlobInfo = { sha256, size_bytes: size };
    try {
      if (expected !== undefined && sha256 !== expected) throw new BlobDigestMismatchError(expected, sha256);
      const shardDir = path.dirname(this.pathOf(sha256));
      if (!upload) {
        // Small: written in one piece; "exists" when the blob is stored already.
        const bytes = batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch);
        const outcome = await writeOnceDurable(shardDir, sha256, bytes, { syncWhenExists: true });
        return { info, created: outcome === "created" };
      }
      if (this.#isStored(sha256)) {
        // Already stored: no need to sync a large copy that is about to be dropped.
        await fsyncDir(shardDir); // in case a concurrent upload linked it a moment ago
        return { info, created: false };
      }
      await ensureDirDurable(shardDir);
      await upload.syncAndClose();
      const outcome = await linkOnceDurable(upload.path, shardDir, sha256, { syncWhenExists: true });
      upload = undefined; // its temp name is gone
      return { info, created: outcome === "created" }; // "exists": a concurrent upload of the same bytes won
    } finally {
      await upload?.abandon(this.#logger);
    }
  }

  /** Whether a blob is stored (a synchronous stat: microseconds, no thread-pool round trip). */
  #isStored(sha256: string): boolean {
    return statSync(this.pathOf(sha256), { throwIfNoEntry: false })?.isFile() ?? false;
  }

  /** The content is said to be stored already: hash the body to prove it, without writing. */
  async #confirmExisting(
    body: AsyncIterable<Uint8Array>,
    expected: string,
    options: BlobPutOptions,
  ): Promise<{ info: BlobInfo; created: boolean }> {
    return { info: await confirmContent(body, expected, options.maxBytes), created: false };
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!SHA256_PATTERN.test(sha256)) return undefined;
    try {
      const st = await fs.stat(this.pathOf(sha256));
      return st.isFile() ? { sha256, size_bytes: st.size } : undefined;
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Opens a blob for reading and checks the range; the caller closes the handle. */
  async #openForRead(
    sha256: string,
    range?: { start: number; end: number },
  ): Promise<{ handle: FileHandle; size: number }> {
    const file = this.pathOf(sha256);
    let handle: FileHandle;
    try {
      handle = await fs.open(file, "r");
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "EISDIR") throw new BlobNotFoundError(sha256);
      throw error;
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new BlobNotFoundError(sha256);
      if (range) {
        const { start, end } = range;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= st.size) {
          throw new RangeError(`bytes ${start}-${end} are not within the ${st.size} bytes of blob ${sha256}`);
        }
      }
      return { handle, size: st.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const { handle } = await this.#openForRead(sha256, range);
    return handle.createReadStream({
      ...(range ? { start: range.start, end: range.end } : {}),
      highWaterMark: READ_CHUNK_BYTES,
    });
  }

  /**
   * Two buffers take turns: one is read from disk while the other is being written
   * into `sink`; a buffer is refilled only after `sink` reported its write done. So a
   * download holds 2 × {@link READ_CHUNK_BYTES} whatever the blob's size, allocates
   * nothing per chunk, and reads the disk while the network sends.
   */
  async copyTo(sha256: string, sink: Writable, range?: { start: number; end: number }): Promise<void> {
    const { handle, size } = await this.#openForRead(sha256, range);
    let onClose: (() => void) | undefined;
    try {
      const gone = new Promise<never>((_, reject) => {
        onClose = () => reject(new Error("the receiver closed before the blob was written"));
        sink.once("close", onClose);
        sink.once("error", onClose);
      });
      gone.catch(() => {}); // raced below; must not count as unhandled meanwhile
      const pool = [Buffer.allocUnsafeSlow(READ_CHUNK_BYTES), Buffer.allocUnsafeSlow(READ_CHUNK_BYTES)];
      const writing: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
      let position = range?.start ?? 0;
      let remaining = range ? range.end - range.start + 1 : size;
      for (let turn = 0; remaining > 0; turn = 1 - turn) {
        const buffer = pool[turn] as Buffer;
        await Promise.race([writing[turn], gone]); // this buffer is free again
        const want = Math.min(buffer.length, remaining);
        let got = 0;
        while (got < want) {
          const { bytesRead } = await handle.read(buffer, got, want - got, position + got);
          if (bytesRead === 0) throw new Error(`blob ${sha256} ended early: it changed while being read`);
          got += bytesRead;
        }
        position += got;
        remaining -= got;
        const chunk = buffer.subarray(0, got);
        const written = new Promise<void>((resolve, reject) => {
          sink.write(chunk, (error) => (error ? reject(error) : resolve()));
        });
        written.catch(() => {}); // awaited on this buffer's next turn or at the end
        writing[turn] = written;
      }
      await Promise.race([Promise.all(writing), gone]);
    } finally {
      if (onClose) {
        sink.off("close", onClose);
        sink.off("error", onClose);
      }
      await handle.close();
    }
  }

  async verify(sha256: string, expectedSize?: number): Promise<BlobCheck> {
    if (!SHA256_PATTERN.test(sha256)) {
      return { sha256, ok: false, reason: "missing", detail: "not a sha256 name: nothing can be stored under it" };
    }
    let handle: FileHandle;
    try {
      handle = await fs.open(this.pathOf(sha256), "r");
    } catch (error) {
      if (errnoOf(error) === "ENOENT")
        return { sha256, ok: false, reason: "missing", detail: "no file in the blob store" };
      return { sha256, ok: false, reason: `unreadable: ${errnoOf(error) ?? (error as Error).message}` };
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) return { sha256, ok: false, reason: "missing", detail: "not a regular file" };
      const hash = createHash("sha256");
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      let size = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        size += bytesRead;
      }
      const actual = hash.digest("hex");
      const sizes = expectedSize === undefined ? `${size} bytes` : `${size} of ${expectedSize} bytes`;
      if (actual === sha256) {
        if (expectedSize !== undefined && expectedSize !== size) {
          return { sha256, ok: false, reason: "size mismatch", detail: `intact, but ${sizes}: the reference is wrong` };
        }
        return { sha256, ok: true, reason: "ok", detail: `intact, ${size} bytes` };
      }
      const reason = expectedSize !== undefined && size < expectedSize ? "truncated" : "altered";
      return { sha256, ok: false, reason, detail: `${sizes}; the content hashes to ${actual}` };
    } catch (error) {
      return { sha256, ok: false, reason: `unreadable: ${errnoOf(error) ?? (error as Error).message}` };
    } finally {
      await handle.close();
    }
  }

  async *scan(): AsyncIterable<string> {
    for (const shard of await this.#shards()) {
      let names: string[];
      try {
        names = await fs.readdir(path.join(this.root, shard));
      } catch (error) {
        if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") continue;
        throw error;
      }
      for (const name of names.sort()) {
        if (SHA256_PATTERN.test(name) && name.startsWith(shard)) yield name;
      }
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** The two-hex-digit shard directories, sorted. */
  async #shards(): Promise<string[]> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(this.root, { withFileTypes: true });
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return [];
      throw error;
    }
    return entries
      .filter((e) => e.isDirectory() && SHARD_PATTERN.test(e.name))
      .map((e) => e.name)
      .sort();
  }
}
