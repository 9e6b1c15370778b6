/**
 * Grouped durable writes, for bulk loads (the v1 import): many write-once files made
 * durable by two file-system syncs instead of two fsyncs each.
 *
 * A write joins the open group: its temp file is created and written at once (no
 * sync). A group is committed when no commit is running (writes that arrive while one
 * runs form the next group, as in a database's group commit): (1) one `syncfs` makes
 * every temp file's data and size durable; (2) each temp file is hard-linked to its
 * final name ("exists" when the name is taken — the same write-once rule as
 * `writeOnceDurable`) and its temp name removed; (3) a second `syncfs` makes the new
 * names durable; (4) only then is each write answered. So nothing is answered before
 * it is durable, a final name never points at unsynced data, and a crash leaves only
 * temp files (removed at start) or complete files. A failed sync fails every write of
 * its group.
 *
 * Measured on this project's VM (docs/design.md): a durable file costs about 60 µs of
 * CPU this way against about 200 µs with its own fsyncs. The price is that `syncfs`
 * flushes everything dirty on the file system, so a server answering requests must not
 * use it (one large upload would delay every create); only a process doing a bulk load
 * turns it on, with {@link GroupSync.run}.
 *
 * `syncfs(2)` has no Node binding; it is reached through coreutils' `sync -f PATH`
 * (Linux), run by one helper shell ({@link SyncfsRunner}). Where that is missing, each
 * group is synced file by file (fdatasync of every temp file, fsync of every
 * directory) — still one group, still correct.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createFile, linkOnce, syncPath } from "./file_steps.js";
import { tempNameFor } from "./temp_names.js";

const execFileAsync = promisify(execFile);

/** A write waiting in a group. */
interface PendingWrite {
  readonly dir: string;
  readonly name: string;
  readonly tempPath: string;
  readonly syncWhenExists: boolean;
  readonly resolve: (outcome: "created" | "exists") => void;
  readonly reject: (error: unknown) => void;
}

/** How a group is made durable: the data and names of every file in `files` and of every directory's entries. */
export type FileSystemSync = (files: readonly string[], dirs: readonly string[]) => Promise<void>;

/**
 * `syncfs(2)` through coreutils' `sync -f`, run by one long-lived shell: spawning a
 * process per sync from a large process costs the event loop milliseconds (it is
 * forked), writing a line to the shell costs it microseconds. Requests are answered in
 * order, one line each: "ok" or "fail <message>".
 */
export class SyncfsRunner {
  static readonly #script = `while IFS= read -r p; do
  if err=$(sync -f -- "$p" 2>&1); then echo ok; else echo "fail $(printf %s "$err" | tr '\\n' ' ')"; fi
done`;
  readonly #shell: ChildProcessWithoutNullStreams;
  readonly #waiting: Array<{ resolve: () => void; reject: (error: Error) => void; path: string }> = [];
  #buffered = "";
  #failure: Error | undefined;

  constructor() {
    this.#shell = spawn("sh", ["-c", SyncfsRunner.#script], { stdio: ["pipe", "pipe", "pipe"] });
    this.#shell.stdout.setEncoding("utf8");
    this.#shell.stdout.on("data", (text: string) => {
      this.#buffered += text;
      for (let nl = this.#buffered.indexOf("\n"); nl >= 0; nl = this.#buffered.indexOf("\n")) {
        const line = this.#buffered.slice(0, nl);
        this.#buffered = this.#buffered.slice(nl + 1);
        const waiter = this.#waiting.shift();
        if (!waiter) continue;
        if (line === "ok") waiter.resolve();
        else waiter.reject(new Error(`sync -f ${waiter.path} failed: ${line.replace(/^fail /, "").trim()}`));
      }
      if (this.#waiting.length === 0) this.#unref();
    });
    this.#shell.on("error", (error) => this.#fail(error));
    this.#shell.on("exit", (code, signal) => this.#fail(new Error(`the sync helper ended (${signal ?? code})`)));
    this.#unref();
  }

  #unref(): void {
    this.#shell.unref();
    (this.#shell.stdout as unknown as { unref?: () => void }).unref?.();
    (this.#shell.stdin as unknown as { unref?: () => void }).unref?.();
  }

  #ref(): void {
    this.#shell.ref();
    (this.#shell.stdout as unknown as { ref?: () => void }).ref?.();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#failure);
  }

  /** Syncs the file system holding `somePath`. */
  sync(somePath: string): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (somePath.includes("\n")) return Promise.reject(new Error("a path with a newline cannot be synced by sync -f"));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject, path: somePath });
      this.#ref();
      this.#shell.stdin.write(`${somePath}\n`);
    });
  }

  /** Ends the shell. */
  close(): void {
    this.#shell.stdin.end();
  }
}

/** Whether `sync -f` works here (probed once per process, with a process of its own). */
let syncfsWorks: Promise<boolean> | undefined;
export function syncfsAvailable(probePath: string): Promise<boolean> {
  if (process.platform !== "linux") return Promise.resolve(false);
  syncfsWorks ??= execFileAsync("sync", ["-f", "--", probePath]).then(
    () => true,
    () => false,
  );
  return syncfsWorks;
}

/** One `syncfs` per file system that the directories are on (a file is on its directory's). */
export function syncfsSync(runner: SyncfsRunner): FileSystemSync {
  const deviceOf = new Map<string, number>();
  return async (_files, dirs) => {
    const byDevice = new Map<number, string>();
    for (const dir of dirs) {
      let device = deviceOf.get(dir);
      if (device === undefined) {
        device = fs.statSync(dir).dev;
        deviceOf.set(dir, device);
      }
      if (!byDevice.has(device)) byDevice.set(device, dir);
    }
    await Promise.all([...byDevice.values()].map((somePath) => runner.sync(somePath)));
  };
}

/** The portable way: fdatasync every file (concurrently) and fsync every directory. */
export const fileByFileSync: FileSystemSync = async (files, dirs) => {
  await Promise.all(files.map((f) => syncPath(f, "data")));
  await Promise.all(dirs.map((d) => syncPath(d, "entries")));
};

export class GroupSync {
  static #active: GroupSync | undefined;
  #open: PendingWrite[] = [];
  /** The group being committed, if any. */
  #committing: Promise<void> | undefined;
  #scheduled = false;
  /** Groups committed and writes answered (for reports and tests). */
  readonly stats = { groups: 0, writes: 0 };

  constructor(private readonly sync: FileSystemSync) {}

  /** The group sync in force in this process, if a bulk load turned one on. */
  static get active(): GroupSync | undefined {
    return GroupSync.#active;
  }

  /**
   * Runs `work` with grouped durable writes for every `writeOnceDurable` of this
   * process (see the module comment for when that is right). `probePath` is a path on
   * the data's file system, to probe `sync -f`. Nested calls join the running one.
   */
  static async run<T>(probePath: string, work: () => Promise<T>): Promise<T> {
    if (GroupSync.#active) return work();
    const runner = (await syncfsAvailable(probePath)) ? new SyncfsRunner() : undefined;
    const group = new GroupSync(runner ? syncfsSync(runner) : fileByFileSync);
    GroupSync.#active = group;
    try {
      return await work();
    } finally {
      await group.drain();
      GroupSync.#active = undefined;
      runner?.close();
    }
  }

  /**
   * Writes `bytes` to `dir/name` once, answered when its group is durable: "created",
   * or "exists" when the name was taken (content untouched). `dir` must exist.
   */
  async write(dir: string, name: string, bytes: Uint8Array, syncWhenExists: boolean): Promise<"created" | "exists"> {
    const tempPath = path.join(dir, tempNameFor(name));
    await createFile(tempPath, bytes, { sync: false }); // synced with its group
    return new Promise((resolve, reject) => {
      this.#open.push({ dir, name, tempPath, syncWhenExists, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves when every write made so far is answered. */
  async drain(): Promise<void> {
    while (this.#committing || this.#open.length > 0) {
      await (this.#committing ?? new Promise((r) => setImmediate(r)));
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#committing || this.#open.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const group = this.#open;
      this.#open = [];
      this.#committing = this.#commit(group).finally(() => {
        this.#committing = undefined;
        this.#schedule(); // the writes that arrived meanwhile
      });
    });
  }

  async #commit(group: PendingWrite[]): Promise<void> {
    const dirs = [...new Set(group.map((w) => w.dir))];
    try {
      await this.sync(
        group.map((w) => w.tempPath),
        dirs,
      );
    } catch (error) {
      for (const w of group) {
        fs.rmSync(w.tempPath, { force: true });
        w.reject(error);
      }
      return;
    }
    const linked: Array<{ write: PendingWrite; outcome: "created" | "exists" }> = [];
    for (const w of group) {
      try {
        linked.push({ write: w, outcome: linkOnce(w.tempPath, path.join(w.dir, w.name)) });
      } catch (error) {
        w.reject(error);
      }
    }
    const touched = linked.filter((l) => l.outcome === "created" || l.write.syncWhenExists);
    if (touched.length > 0) {
      try {
        await this.sync([], [...new Set(touched.map((l) => l.write.dir))]);
      } catch (error) {
        for (const l of linked) l.write.reject(error);
        return;
      }
    }
    this.stats.groups += 1;
    this.stats.writes += linked.length;
    for (const l of linked) l.write.resolve(l.outcome);
  }
}
