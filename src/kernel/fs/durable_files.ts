/**
 * Durable, write-once file primitives shared by every file-backed store.
 *
 * `writeOnceDurable` writes to a temp file in the target directory, fsyncs it, then
 * hard-links it to the final name — `link` fails when the name exists, so of two
 * concurrent writers exactly one wins (a rename would silently replace) — removes the
 * temp name and fsyncs the directory so that the new entry survives a crash. Readers
 * never see a partial file: the final name appears only with complete, synced content.
 * Temp files are named `.tmp-*` and are removed by `removeTempFiles` at start.
 *
 * Cost, measured on this project's 2-core VM (see docs/design.md): fsyncs are the slow
 * steps and go to the thread pool, where concurrent ones overlap and the file system
 * commits them together; so does the open that creates the temp file, which can wait
 * on the ext4 journal. The other metadata calls — close, link, unlink, the open of a
 * directory, the existence check of a directory met before — take microseconds and
 * are made synchronously: a thread-pool round trip costs the event loop more CPU than
 * such a call (futex, promise and FileHandle work), and a durable write used a dozen.
 * Small payloads ({@link SYNC_WRITE_BYTES}) are written synchronously too; larger ones
 * asynchronously, so the event loop is never held for long. Directory fsyncs are
 * coalesced per directory ({@link fsyncDir}): writers that finish while one is running
 * share the next one, which still starts after each of their links.
 */
import fs from "node:fs";
import path from "node:path";
import { createFile, linkOnce, syncPath } from "./file_steps.js";
import { GroupSync } from "./group_sync.js";
import { TEMP_PREFIX, tempNameFor } from "./temp_names.js";

export { SYNC_WRITE_BYTES } from "./file_steps.js";
export { TEMP_PREFIX, tempNameFor } from "./temp_names.js";

/**
 * The fsyncs of one directory: a request made while one is running is served by the
 * next one, shared by every request made meanwhile and started only after the running
 * one ends — so each request is answered by an fsync that began after it was made.
 */
export class DirectorySync {
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /** `syncNow` does one fsync; `onIdle` is called when none is running or queued. */
  constructor(
    private readonly syncNow: () => Promise<void>,
    private readonly onIdle: () => void = () => {},
  ) {}

  request(): Promise<void> {
    if (this.#running === undefined) {
      this.#running = this.#run();
      return this.#running;
    }
    this.#queued ??= this.#running
      .catch(() => {}) // that fsync's failure is reported to its own requests
      .then(() => {
        this.#queued = undefined;
        this.#running = this.#run();
        return this.#running;
      });
    return this.#queued;
  }

  async #run(): Promise<void> {
    try {
      await this.syncNow();
    } finally {
      this.#running = undefined;
      if (this.#queued === undefined) this.onIdle();
    }
  }
}

const directorySyncs = new Map<string, DirectorySync>();

/**
 * fsyncs a directory so that entries created or removed in it before the call are
 * durable. Concurrent calls for one directory are coalesced (see {@link DirectorySync}).
 */
export function fsyncDir(dir: string): Promise<void> {
  const key = path.resolve(dir);
  let sync = directorySyncs.get(key);
  if (sync === undefined) {
    const created: DirectorySync = new DirectorySync(
      () => syncPath(key, "entries"),
      () => {
        if (directorySyncs.get(key) === created) directorySyncs.delete(key);
      },
    );
    sync = created;
    directorySyncs.set(key, sync);
  }
  return sync.request();
}

/** Directories this process has made durable or found; stores never remove their directories. */
const knownDirs = new Set<string>();

/**
 * Creates `dir` (and parents) durably. The first time this process meets a directory
 * it fsyncs the parent, whether it made the directory or found it: another writer may
 * have made it a moment ago and not yet synced the parent.
 */
export async function ensureDirDurable(dir: string): Promise<void> {
  const key = path.resolve(dir);
  if (knownDirs.has(key)) return;
  const parent = path.dirname(key);
  if (!fs.existsSync(key)) {
    if (parent !== key) await ensureDirDurable(parent);
    try {
      fs.mkdirSync(key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  if (parent !== key) await fsyncDir(parent);
  knownDirs.add(key);
}

/** Forgets that `dir` exists (after it was found missing), so that the next write recreates it. */
function forgetDir(dir: string): void {
  knownDirs.delete(path.resolve(dir));
}

/**
 * Creates the new file `file` (it must not exist) holding `bytes`, synced with
 * fdatasync: its data and the metadata needed to read them back (the size) are durable
 * — what a temp file needs; its name is made durable by the link and the directory's
 * fsync. (fdatasync skips the timestamps; measured here: ~25 % less kernel time than
 * fsync.) A failure removes the partial file.
 */
export function writeNewFileSynced(file: string, bytes: Uint8Array): Promise<void> {
  return createFile(file, bytes, { sync: true });
}

/**
 * Gives the synced temp file `tempPath` its final name `dir/name`, once: "created",
 * or "exists" when the name was already taken (its content is left untouched). The
 * temp name is removed either way. The directory is fsynced after a new link — and,
 * with `syncWhenExists`, also when the name existed: for content-addressed files
 * "exists" is a success the caller acknowledges, and the entry may have been linked a
 * moment ago by a writer that has not yet synced the directory.
 */
export async function linkOnceDurable(
  tempPath: string,
  dir: string,
  name: string,
  options: { syncWhenExists?: boolean } = {},
): Promise<"created" | "exists"> {
  const outcome = linkOnce(tempPath, path.join(dir, name));
  if (outcome === "created" || options.syncWhenExists) await fsyncDir(dir);
  return outcome;
}

/**
 * Writes `bytes` to `dir/name` once and durably. Answers "created", or "exists" when
 * the name was already taken (its content is left untouched; see
 * {@link linkOnceDurable} for `syncWhenExists`). In a bulk load that turned on
 * grouped syncs (group_sync.ts), the write joins the open group instead.
 */
export async function writeOnceDurable(
  dir: string,
  name: string,
  bytes: Uint8Array,
  options: { syncWhenExists?: boolean } = {},
): Promise<"created" | "exists"> {
  await ensureDirDurable(dir);
  const grouped = GroupSync.active;
  if (grouped) return grouped.write(dir, name, bytes, options.syncWhenExists ?? false);
  const tempPath = path.join(dir, tempNameFor(name));
  try {
    await writeNewFileSynced(tempPath, bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // The directory was removed behind this process's back: make it again, once.
    forgetDir(dir);
    await ensureDirDurable(dir);
    await writeNewFileSynced(tempPath, bytes);
  }
  return linkOnceDurable(tempPath, dir, name, options);
}

/** Removes `.tmp-*` files directly in `dir`; answers how many. */
export async function removeTempFiles(dir: string): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX)) {
      await fs.promises.rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  if (removed > 0) await fsyncDir(dir);
  return removed;
}
