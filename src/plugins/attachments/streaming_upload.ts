/**
 * The temp file of an upload too large to hold in memory, hashed and written in
 * parallel: the bytes are copied into a ring of {@link SLOTS} slots of
 * {@link SLOT_BYTES} in shared memory; each full slot is written on the libuv thread
 * pool — with direct I/O where the file system allows it (direct_file.ts) — and hashed
 * by the SHA-256 worker thread (sha256_thread.ts) at the same time, while the event
 * loop goes on reading the socket into the next slot. A slot
 * is filled again only once both are done with it, so an upload holds the ring and no
 * more whatever its size, and a slow disk or hash slows the reading down (the caller
 * stops pulling chunks, and the request's own bounded queue pauses the socket).
 *
 * `complete` waits for every write and answers the SHA-256 of every byte, in order;
 * `syncAndClose` syncs the file (fdatasync), which the store then links to its final
 * name (it skips the sync of a copy it drops because the blob is already stored).
 * `abandon` (after a failure) waits for the work in flight, closes and removes the
 * temp file.
 */
import type { FileHandle } from "node:fs/promises";
import fs from "node:fs/promises";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { ALIGNMENT, createUploadFile, releaseUploadMemory, type UploadFile } from "./direct_file.js";
import { openSha256Job, type Sha256Job } from "./sha256_thread.js";

/** One write and one hash request: large enough that per-slot costs vanish, small enough to overlap. */
export const SLOT_BYTES = 1024 * 1024;
/**
 * Slots in the ring: while one fills, the others wait for or are in their write (one
 * writev of every slot filled meanwhile) and their hash, so a slow write or a hash
 * behind a burst of reads does not stop the socket at once. 8 MiB per upload.
 */
export const SLOTS = 8;

/** Writes every buffer at `position` on (one writev), retrying short writes. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const total = rest.reduce((n, b) => n + b.byteLength, 0);
    const { bytesWritten } = await handle.writev(rest, position);
    if (bytesWritten >= total) return;
    // A short write: drop what was written and go on with the remainder.
    position += bytesWritten;
    let skip = bytesWritten;
    const next: Uint8Array[] = [];
    for (const b of rest) {
      if (skip >= b.byteLength) {
        skip -= b.byteLength;
        continue;
      }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}

/** A full slot waiting for its write. */
interface QueuedWrite {
  readonly bytes: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class StreamingUpload {
  readonly #ring: SharedArrayBuffer;
  /** Where slot 0 starts in the ring (aligned for direct I/O). */
  readonly #base: number;
  readonly #direct: boolean;
  /** Per slot: the write and the hash of its bytes, settled when the slot is free again. */
  readonly #busy: Array<Promise<unknown> | undefined> = new Array(SLOTS).fill(undefined);
  readonly #hash: Sha256Job;
  /** Full slots not yet written, in file order; written together by the next write. */
  readonly #queued: QueuedWrite[] = [];
  #writing = false;
  /** The first write failure; every later write fails with it. */
  #failure: Error | undefined;
  /** The file offset of the first queued byte. */
  #written = 0;
  /** The bytes given to `write`. */
  #size = 0;
  #slot = 0;
  #filled = 0;
  #open = true;
  readonly #file: UploadFile;
  /** Whether the memory went back for the next upload (nothing reads it any more). */
  #released = false;

  private constructor(
    /** The temp file's path. */
    readonly path: string,
    file: UploadFile,
  ) {
    this.#file = file;
    this.handle = file.handle;
    this.#ring = file.memory;
    this.#base = file.base;
    this.#direct = file.direct;
    this.#hash = openSha256Job(this.#ring);
  }

  private readonly handle: FileHandle;

  /** Whether the file is written with direct I/O (see direct_file.ts). */
  get direct(): boolean {
    return this.#direct;
  }

  /** Creates the temp file (it must not exist); `direct: false` writes through the page cache. */
  static async open(tempPath: string, options: { direct?: boolean } = {}): Promise<StreamingUpload> {
    const file = await createUploadFile(tempPath, SLOTS * SLOT_BYTES, options.direct);
    try {
      return new StreamingUpload(tempPath, file);
    } catch (error) {
      // No hashing job (the worker could not start): the temp file must not stay behind.
      await file.handle.close();
      await fs.unlink(tempPath);
      throw error;
    }
  }

  /** Appends `chunk`; waits while the next slot is still being written or hashed. */
  async write(chunk: Uint8Array): Promise<void> {
    let from = 0;
    while (from < chunk.byteLength) {
      if (this.#filled === 0) await this.#busy[this.#slot]; // bounded: this slot's last bytes must be done
      const take = Math.min(SLOT_BYTES - this.#filled, chunk.byteLength - from);
      new Uint8Array(this.#ring, this.#base + this.#slot * SLOT_BYTES + this.#filled, take).set(
        chunk.subarray(from, from + take),
      );
      this.#filled += take;
      this.#size += take;
      from += take;
      if (this.#filled === SLOT_BYTES) this.#send();
    }
  }

  /** Queues the write and starts the hash of the current slot, and moves to the next. */
  #send(): void {
    const offset = this.#base + this.#slot * SLOT_BYTES;
    // Direct I/O writes whole blocks: a last partial one is padded with zeros (cut off by `complete`).
    const length = this.#direct ? Math.ceil(this.#filled / ALIGNMENT) * ALIGNMENT : this.#filled;
    new Uint8Array(this.#ring, offset + this.#filled, length - this.#filled).fill(0);
    const bytes = new Uint8Array(this.#ring, offset, length);
    const written = new Promise<void>((resolve, reject) => {
      if (this.#failure) reject(this.#failure);
      else this.#queued.push({ bytes, resolve, reject });
    });
    this.#startWrite();
    const done = Promise.all([written, this.#hash.update(offset, this.#filled)]);
    done.catch(() => {}); // observed when the slot is reused or at the end; not "unhandled" meanwhile
    this.#busy[this.#slot] = done;
    this.#slot = (this.#slot + 1) % SLOTS;
    this.#filled = 0;
  }

  /**
   * One write at a time, of every slot queued since the last one began (a writev):
   * writes into one file take its inode lock in turn anyway, so concurrent ones would
   * only wait — or spin — on each other.
   */
  #startWrite(): void {
    if (this.#writing || this.#queued.length === 0) return;
    const batch = this.#queued.splice(0);
    const bytes = batch.reduce((n, q) => n + q.bytes.byteLength, 0);
    this.#writing = true;
    writeAll(
      this.handle,
      batch.map((q) => q.bytes),
      this.#written,
    ).then(
      () => {
        this.#writing = false;
        this.#written += bytes;
        for (const q of batch) q.resolve();
        this.#startWrite();
      },
      (error: Error) => {
        this.#writing = false;
        this.#failure = error;
        for (const q of [...batch, ...this.#queued.splice(0)]) q.reject(error);
      },
    );
  }

  /** Waits for every write and hash; answers the hex SHA-256 of all the bytes. The first failure is thrown. */
  async complete(): Promise<string> {
    if (this.#filled > 0) this.#send();
    await Promise.all(this.#busy);
    if (this.#direct) await this.handle.truncate(this.#size); // the padding of the last block
    const digest = await this.#hash.digest();
    this.#release();
    return digest;
  }

  /** Gives the ring back for the next upload, once. */
  #release(): void {
    if (this.#released) return;
    this.#released = true;
    releaseUploadMemory(this.#file);
  }

  /** Syncs the data and size (fdatasync, as kernel/fs/durable_files.ts does) and closes the file. */
  async syncAndClose(): Promise<void> {
    await this.handle.datasync();
    this.#open = false;
    await this.handle.close();
  }

  /** After a failure: lets the work in flight end, closes and removes the temp file. */
  async abandon(logger: Logger | undefined): Promise<void> {
    await Promise.allSettled(this.#busy);
    this.#hash.drop();
    this.#release();
    if (this.#open) {
      this.#open = false;
      await this.handle.close().catch(() => {});
    }
    await fs.unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") logger?.warn({ err: error, path: this.path }, "could not remove a temp file");
    });
  }
}
