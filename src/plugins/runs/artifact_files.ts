/**
 * The date-partitioned artifact files of the embedded store.
 *
 * Layout (SPEC invariant 5): `<data>/runs/YYYY-MM-DD/<run_id>.json`, the partition
 * being the UTC date of `created_at_utc`; sidecars (advisory links, materialised
 * migrations) are `<run_id>_<name>.json` beside it. Files hold the RFC 8785 canonical
 * JSON of the artifact and are written once (see kernel/fs/durable_files.ts). These
 * files are the authoritative record; the SQLite index is derived from them.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { TEMP_PREFIX, removeTempFiles, writeOnceDurable } from "../../kernel/plugin_api/storage.js";

const PARTITION = /^\d{4}-\d{2}-\d{2}$/;
const RUN_FILE = /^(run_[0-9A-Za-z]+)\.json$/;
const SIDECAR_FILE = /^(run_[0-9A-Za-z]+)_([a-z][A-Za-z0-9_.-]{0,120})\.json$/;

/** A run file found on disk. */
export interface RunFile {
  readonly runId: string;
  readonly partition: string;
  /** path relative to the data directory, e.g. `runs/2026-11-21/run_….json` */
  readonly location: string;
}

export class ArtifactFiles {
  readonly root: string;

  constructor(readonly dataDir: string) {
    this.root = path.join(dataDir, "runs");
  }

  /** The partition (UTC date) of a stored `created_at_utc`. */
  partitionOf(createdAtUtc: string): string {
    const partition = createdAtUtc.slice(0, 10);
    if (!PARTITION.test(partition)) throw new Error(`created_at_utc ${createdAtUtc} has no date`);
    return partition;
  }

  /** The data-relative location of a run file. */
  locationOf(partition: string, runId: string): string {
    return `runs/${partition}/${runId}.json`;
  }

  /** Writes a run's file once; "exists" when that run id is already in the partition. */
  writeRun(partition: string, runId: string, bytes: Uint8Array): Promise<"created" | "exists"> {
    return writeOnceDurable(path.join(this.root, partition), `${runId}.json`, bytes);
  }

  /** Writes a sidecar once beside the run file. */
  writeSidecar(partition: string, runId: string, name: string, bytes: Uint8Array): Promise<"created" | "exists"> {
    return writeOnceDurable(path.join(this.root, partition), `${runId}_${name}.json`, bytes);
  }

  /** Reads a file by its data-relative location. */
  read(location: string): Promise<Buffer> {
    return fs.readFile(path.join(this.dataDir, location));
  }

  /** Reads a sidecar, or undefined when it does not exist. */
  async readSidecar(partition: string, runId: string, name: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(path.join(this.root, partition, `${runId}_${name}.json`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** The names of a run's sidecars starting with `prefix`, sorted. */
  async listSidecars(partition: string, runId: string, prefix: string): Promise<string[]> {
    const start = `${runId}_${prefix}`;
    let names: string[];
    try {
      names = await fs.readdir(path.join(this.root, partition));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names
      .filter((n) => n.startsWith(start) && n.endsWith(".json"))
      .map((n) => n.slice(runId.length + 1, -5))
      .sort();
  }

  /** The partition folders, oldest first. */
  async partitions(): Promise<string[]> {
    try {
      return (await fs.readdir(this.root)).filter((p) => PARTITION.test(p)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  /**
   * partition → its directory's modification time in nanoseconds (creating, renaming or
   * removing a file in it changes it; rewriting a file in place does not), for every
   * partition folder: one stat per partition, no listing of the files.
   */
  async partitionMtimes(): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const partition of await this.partitions()) {
      try {
        out.set(partition, (await fs.stat(path.join(this.root, partition), { bigint: true })).mtimeNs);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    return out;
  }

  /** One partition directory's modification time (ns), or undefined when it does not exist. */
  async partitionMtime(partition: string): Promise<bigint | undefined> {
    try {
      return (await fs.stat(path.join(this.root, partition), { bigint: true })).mtimeNs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** The run files of one partition, sorted (temp files and sidecars are not runs). */
  async partitionFiles(partition: string): Promise<RunFile[]> {
    const out: RunFile[] = [];
    for (const name of (await fs.readdir(path.join(this.root, partition))).sort()) {
      if (name.startsWith(TEMP_PREFIX)) continue;
      const m = RUN_FILE.exec(name);
      if (m) out.push({ runId: m[1] as string, partition, location: `runs/${partition}/${name}` });
    }
    return out;
  }

  /** Every run file, partition by partition (temp files and sidecars are not runs). */
  async *scan(): AsyncGenerator<RunFile> {
    for (const partition of await this.partitions()) yield* await this.partitionFiles(partition);
  }

  /** Every sidecar file whose name starts with `<run id>_<prefix>`, partition by partition. */
  async *scanSidecarFiles(prefix: string): AsyncGenerator<{ runId: string; name: string; location: string }> {
    const pattern = new RegExp(`^(run_[0-9A-Za-z]+)_(${prefix}[^/]*)\\.json$`);
    for (const partition of await this.partitions()) {
      const names = (await fs.readdir(path.join(this.root, partition))).sort();
      for (const name of names) {
        if (name.startsWith(TEMP_PREFIX)) continue;
        const m = pattern.exec(name);
        if (m) yield { runId: m[1] as string, name: m[2] as string, location: `runs/${partition}/${name}` };
      }
    }
  }

  /** Every sidecar file, partition by partition: one directory listing per partition. */
  async *scanSidecars(): AsyncGenerator<{ run_id: string; name: string }> {
    for (const partition of await this.partitions()) {
      for (const file of await fs.readdir(path.join(this.root, partition))) {
        if (file.startsWith(TEMP_PREFIX)) continue;
        const m = SIDECAR_FILE.exec(file);
        if (m) yield { run_id: m[1] as string, name: m[2] as string };
      }
    }
  }

  /** Removes leftover temp files from one partition; answers how many. */
  removeTempFilesIn(partition: string): Promise<number> {
    return removeTempFiles(path.join(this.root, partition));
  }

  /** Removes leftover temp files from every partition; answers how many. */
  async removeTempFiles(): Promise<number> {
    let removed = 0;
    for (const partition of await this.partitions()) removed += await removeTempFiles(path.join(this.root, partition));
    return removed;
  }
}
