/**
 * Durable, write-once file primitives shared by every file-backed store.
 *
 * `writeOnceDurable` writes to a temp file in the target directory, fsyncs it, then
 * hard-links it to the final name — `link` fails when the name exists, so of two
 * concurrent writers exactly one wins (a rename would silently replace) — removes the
 * temp name and fsyncs the directory so that the new entry survives a crash. Readers
 * never see a partial file: the final name appears only with complete, synced content.
 * Temp files are named `.tmp-*` and are removed by `removeTempFiles` at start.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** The prefix of every temp file; nothing with it is ever read as data. */
export const TEMP_PREFIX = ".tmp-";

/** fsyncs a directory so that entries created or removed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and parents) durably: each newly created level is fsynced in its parent. */
export async function ensureDirDurable(dir: string): Promise<void> {
  try {
    await fs.access(dir);
    return;
  } catch {
    // create below
  }
  const parent = path.dirname(dir);
  if (parent !== dir) await ensureDirDurable(parent);
  try {
    await fs.mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return;
  }
  await fsyncDir(parent);
}

/** A temp file name beside `finalName`, unique to this process and call. */
export function tempNameFor(finalName: string): string {
  return `${TEMP_PREFIX}${finalName}-${process.pid}-${randomBytes(6).toString("hex")}`;
}

/**
 * Writes `bytes` to `dir/name` once and durably. Answers "created", or "exists" when
 * the name was already taken (its content is left untouched).
 */
export async function writeOnceDurable(dir: string, name: string, bytes: Uint8Array): Promise<"created" | "exists"> {
  await ensureDirDurable(dir);
  const finalPath = path.join(dir, name);
  const tempPath = path.join(dir, tempNameFor(name));
  const handle = await fs.open(tempPath, "wx", 0o444);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(tempPath, finalPath);
  } catch (error) {
    await fs.unlink(tempPath);
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return "exists";
    throw error;
  }
  await fs.unlink(tempPath);
  await fsyncDir(dir);
  return "created";
}

/** Removes `.tmp-*` files directly in `dir`; answers how many. */
export async function removeTempFiles(dir: string): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX)) {
      await fs.rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  if (removed > 0) await fsyncDir(dir);
  return removed;
}
