/**
 * Reading the v1 store without writing to it: files are opened with `O_NOATIME` (Linux)
 * so that reading a v1 blob does not update its access time. With `relatime`, the first
 * read of a file whose access time is not after its modification time (any file not
 * read since it was written) rewrites its inode; during an import that is a journal
 * transaction per blob read, and while the import's own `syncfs` keeps the journal
 * committing, that read waits for the commit — measured, reading the small v1 blobs
 * synchronously was 18 % of the import's main thread at 150 000 records. `O_NOATIME` is
 * allowed only to the file's owner (or a privileged process); elsewhere (`EPERM`) the
 * file is opened the ordinary way, and where the flag does not exist it is 0.
 */
import { closeSync, constants, openSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";

/** `O_RDONLY | O_NOATIME` where the platform has it. */
const QUIET_FLAGS = constants.O_RDONLY | (constants.O_NOATIME ?? 0);

function refused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "EPERM";
}

/** The whole file, read synchronously without touching its access time where allowed. */
export function readFileQuietlySync(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, QUIET_FLAGS);
  } catch (error) {
    if (!refused(error)) throw error;
    fd = openSync(file, "r");
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file opened for reading without touching its access time where allowed. */
export async function openQuietly(file: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, QUIET_FLAGS);
  } catch (error) {
    if (!refused(error)) throw error;
    return fs.open(file, "r");
  }
}
