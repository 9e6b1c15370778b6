/**
 * Recognising a full storage and reporting free space. A write that meets a full file
 * system (ENOSPC, or EDQUOT for a quota) or a full database (SQLITE_FULL; PostgreSQL's
 * disk_full) is
 * answered 507 Insufficient Storage (src/kernel/problems.ts): the stores already remove
 * their temp files on failure and answer nothing before their data is durable, so a 507
 * means nothing was stored. `/readyz` reports the data directory's free space with
 * {@link storageSpaceCheck}, so that an orchestrator sees the storage full before or
 * while writes fail.
 */
import fs from "node:fs";

/**
 * ENOSPC and EDQUOT from the file system; SQLITE_FULL from SQLite; 53100 (disk_full)
 * from PostgreSQL, for the scale-out backend.
 */
const FULL_CODES = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL", "53100"]);

/** Whether `error` (or an error it wraps, through `cause`) says the storage is full. */
export function isStorageFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && FULL_CODES.has(code)) return true;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return false;
}

/** One readiness check: the free space of the file system holding `dir`, against `minFreeBytes`. */
export async function storageSpaceCheck(
  dir: string,
  minFreeBytes: number,
): Promise<{ name: string; ok: boolean; detail: string }> {
  try {
    const s = await fs.promises.statfs(dir);
    const free = s.bavail * s.bsize;
    const total = s.blocks * s.bsize;
    const ok = free >= minFreeBytes && free > 0;
    return {
      name: "storage-space",
      ok,
      detail: ok
        ? `${free} bytes free of ${total}`
        : `storage full: ${free} bytes free of ${total}, below RMOS_MIN_FREE_BYTES (${minFreeBytes}); writes answer 507 until space is freed`,
    };
  } catch (error) {
    return { name: "storage-space", ok: false, detail: (error as Error).message };
  }
}
