/**
 * The steps every write-once file goes through, shared by `writeOnceDurable`
 * (durable_files.ts: each file synced on its own) and grouped syncs (group_sync.ts: a
 * group synced together): create the temp file with its bytes, sync a path, give the
 * temp file its final name once. The creating open is asynchronous (it can wait on the
 * file system's journal); small writes, close, link and unlink are synchronous calls
 * of microseconds — cheaper than a thread-pool round trip (see docs/design.md).
 */
import fs from "node:fs";
import { promisify } from "node:util";

/** Payloads up to this size are written with one synchronous call; larger ones asynchronously. */
export const SYNC_WRITE_BYTES = 256 * 1024;

const openAsync = promisify(fs.open);
const writeAsync = promisify(fs.write);
const fsyncAsync = promisify(fs.fsync);
const fdatasyncAsync = promisify(fs.fdatasync);

/** Writes all of `bytes` at the file's current offset. */
async function writeAll(fd: number, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const rest = bytes.subarray(offset);
    offset += bytes.byteLength <= SYNC_WRITE_BYTES ? fs.writeSync(fd, rest) : (await writeAsync(fd, rest)).bytesWritten;
  }
}

/**
 * Creates the new file `file` (it must not exist; mode 0444) holding `bytes`, and with
 * `sync` makes its data and size durable (fdatasync). A failure removes the file.
 */
export async function createFile(file: string, bytes: Uint8Array, options: { sync: boolean }): Promise<void> {
  const fd = await openAsync(file, "wx", 0o444);
  try {
    await writeAll(fd, bytes);
    if (options.sync) await fdatasyncAsync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw error;
  }
  fs.closeSync(fd);
}

/**
 * Syncs an existing path: a directory with fsync (its entries), a file with fdatasync
 * (its data and size).
 */
export async function syncPath(target: string, kind: "entries" | "data"): Promise<void> {
  const fd = fs.openSync(target, "r");
  try {
    await (kind === "entries" ? fsyncAsync(fd) : fdatasyncAsync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Hard-links `tempPath` to `finalPath` unless that name exists — "created" or
 * "exists" (the existing file is left untouched) — and removes the temp name either
 * way. Any other failure removes the temp file and is thrown. Nothing is synced.
 */
export function linkOnce(tempPath: string, finalPath: string): "created" | "exists" {
  try {
    fs.linkSync(tempPath, finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      fs.rmSync(tempPath, { force: true });
      throw error;
    }
    fs.unlinkSync(tempPath);
    return "exists";
  }
  fs.unlinkSync(tempPath);
  return "created";
}
