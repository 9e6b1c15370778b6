/**
 * The temp file of an upload too large to hold in memory: batches are written at their
 * own offsets, a few at a time ({@link WRITES_IN_FLIGHT}), while the next batch fills —
 * so an upload holds at most (WRITES_IN_FLIGHT + 1) batches whatever its size.
 * `complete` waits for every write; `syncAndClose` syncs the file (fdatasync), which
 * the store then links to its final name (it skips the sync of a copy it drops because
 * the blob is already stored). `abandon` (after a failure) waits for the writes in
 * flight, closes and removes the temp file.
 */
import type { FileHandle } from "node:fs/promises";
import fs from "node:fs/promises";
import type { Logger } from "../../kernel/plugin_api/plugin.js";

/**
 * Batches being written at once, each at its own offset: a few in flight hide the
 * thread-pool round trip of each write (measured here: 4 write ~30 % faster than 1).
 * With the next batch filling meanwhile, an upload holds at most 5 MiB.
 */
export const WRITES_IN_FLIGHT = 4;

/** Writes every buffer at `position` on, retrying short writes. */
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

export class StreamingUpload {
  readonly #writing: Array<Promise<void>> = [];
  #position = 0;
  #open = true;

  private constructor(
    /** The temp file's path. */
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates the temp file (it must not exist). */
  static async open(tempPath: string): Promise<StreamingUpload> {
    return new StreamingUpload(tempPath, await fs.open(tempPath, "wx", 0o444));
  }

  /** Queues `batch` (`bytes` long) at the next offset; waits while too many writes are in flight. */
  async write(batch: Uint8Array[], bytes: number): Promise<void> {
    if (this.#writing.length >= WRITES_IN_FLIGHT) await this.#writing.shift(); // bounded: the oldest must finish first
    const write = writeAll(this.handle, batch, this.#position);
    write.catch(() => {}); // observed when awaited; keeps a failure from being "unhandled" meanwhile
    this.#writing.push(write);
    this.#position += bytes;
  }

  /** Waits for every write; the first failure is thrown. */
  async complete(): Promise<void> {
    await Promise.all(this.#writing.splice(0));
  }

  /** Syncs the data and size (fdatasync, as kernel/fs/durable_files.ts does) and closes the file. */
  async syncAndClose(): Promise<void> {
    await this.handle.datasync();
    this.#open = false;
    await this.handle.close();
  }

  /** After a failure: lets the writes in flight end, closes and removes the temp file. */
  async abandon(logger: Logger | undefined): Promise<void> {
    await Promise.allSettled(this.#writing.splice(0));
    if (this.#open) {
      this.#open = false;
      await this.handle.close().catch(() => {});
    }
    await fs.unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") logger?.warn({ err: error, path: this.path }, "could not remove a temp file");
    });
  }
}
