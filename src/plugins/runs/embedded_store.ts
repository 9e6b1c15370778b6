/**
 * The embedded RunStore: artifact files (authoritative) plus a SQLite index (derived).
 *
 * A create writes the canonical bytes once and durably (temp + fsync + link + directory
 * fsync), then indexes them — the rows of concurrent creates share one transaction
 * (kernel/db/group_commit.ts); the 201 is sent only after both. A crash between the two
 * leaves a file without an index row, which `open` finds and indexes: at every start
 * the store removes leftover temp files and brings the index in line with the files.
 * With the transparency log on (the optional TRANSPARENCY_LOG), the run's leaf is
 * announced to the log (an intent) before the file is written and the run's leaf is appended in the
 * index row's transaction, so the 201 implies the leaf is durable; at start a file
 * without its row is appended only when its intent matches (a crash in between), and
 * a file no intent announced is indexed but left out of the log for `rmos verify`.
 * Reads go through a byte-bounded LRU cache of the bytes (stored_run_cache.ts; artifacts
 * never change, so it is never stale) and check the file's bytes against the SHA-256
 * recorded when it was indexed (stored_run.ts).
 */
import type BetterSqlite3 from "better-sqlite3";
import {
  CorruptArtifactError,
  RunAlreadyExistsError,
  SIDECAR_NAME_PATTERN,
  assertGovernanceFields,
  type ProgressFn,
  type RunListQuery,
  type RunPage,
  type RunStore,
  type ScannedRun,
  type StoredArtifact,
  type StoredRun,
} from "../../contracts/ports/run_store.js";
import { sha256Hex } from "../../contracts/hashing.js";
import { canonicalize } from "../../contracts/jcs.js";
import { parseUtc } from "../../contracts/time.js";
import { GroupCommit } from "../../kernel/plugin_api/storage.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { ADVISORY_LINK_PREFIX } from "../../contracts/ports/advisory_store.js";
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import { advisoryLinkLeafId } from "../../contracts/record_leaves.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { ArtifactFiles, type RunFile } from "./artifact_files.js";
import { SqliteRunIndex, type IndexRow, runLeafOf } from "./sqlite_run_index.js";
import { checkedStoredRun, parseStored } from "./stored_run.js";
import { StoredRunCache, storedRunOf } from "./stored_run_cache.js";

export interface EmbeddedRunStoreOptions {
  readonly dataDir: string;
  readonly cacheBytes: number;
  readonly logger: Logger;
  /** The transparency log, when loaded: each run's leaf commits with its index row. */
  readonly log?: TransparencyLog | undefined;
  /** How often partitions written since their checkpoint are checkpointed (default 60 s). */
  readonly checkpointEveryMs?: number;
}

/**
 * A partition directory changed less than this long ago is not checkpointed yet: a
 * change within the file system's timestamp granularity (a clock tick; one second on
 * some file systems) could leave its mtime equal to the recorded one.
 */
export const RACY_WINDOW_NS = 2_000_000_000n;

/** What `open` found and repaired. */
export interface ReconcileReport {
  readonly tempFilesRemoved: number;
  readonly indexed: number;
  readonly corrupt: number;
  readonly staleRowsRemoved: number;
  /** Runs indexed at start whose leaf was appended (a crash between file and index). */
  readonly logged: number;
  /** Files indexed at start that no intent announced: not appended to the log. */
  readonly unannounced: number;
  /** Partition directories found. */
  readonly partitions: number;
  /** Partitions compared file by file (changed since their checkpoint, new, or gone). */
  readonly partitionsScanned: number;
}

/** The index row of a stored artifact at `location` (its bytes and their SHA-256). */
export function indexRowOf(artifact: StoredArtifact, location: string, bytes: Buffer, sha256: string): IndexRow {
  const decision = artifact.decision as { risk_level: RunSummaryRisk };
  const hashes = artifact.hashes as { feasibility_sha256: string };
  return {
    run_id: artifact.run_id,
    created_us: parseUtc(artifact.created_at_utc).micros,
    created_at_utc: artifact.created_at_utc,
    schema_version: artifact.schema_version,
    mode: String(artifact.mode ?? ""),
    tool_id: String(artifact.tool_id ?? ""),
    status: String(artifact.status ?? "") as IndexRow["status"],
    risk_level: decision.risk_level,
    feasibility_sha256: hashes.feasibility_sha256,
    location,
    file_sha256: sha256,
    size_bytes: bytes.length,
  };
}
type RunSummaryRisk = IndexRow["risk_level"];

export class EmbeddedRunStore implements RunStore {
  readonly files: ArtifactFiles;
  /** The cache of stored runs' bytes (read by the plugin's metrics). */
  readonly cache: StoredRunCache;
  readonly #logger: Logger;
  #index: SqliteRunIndex | undefined;
  /** Index rows of concurrent creates, one transaction per event-loop turn. */
  readonly #indexing = new GroupCommit<IndexRow, boolean>((rows) =>
    this.#log ? this.#idx.insertManyLogged(rows, this.#log, () => true) : this.#idx.insertMany(rows),
  );
  readonly #log: TransparencyLog | undefined;
  readonly #checkpointEveryMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** Writes into partition directories now running, and ever started (see `checkpoint`). */
  #writesInFlight = 0;
  #writesStarted = 0;
  /** Partitions written (or rescanned) since their last checkpoint. */
  readonly #dirty = new Set<string>();
  /** Partitions a write failed in: never checkpointed by this process. */
  readonly #tainted = new Set<string>();

  constructor(options: EmbeddedRunStoreOptions) {
    this.files = new ArtifactFiles(options.dataDir);
    this.cache = new StoredRunCache(options.cacheBytes);
    this.#logger = options.logger;
    this.#log = options.log;
    this.#checkpointEveryMs = options.checkpointEveryMs ?? 60_000;
  }

  get #idx(): SqliteRunIndex {
    if (!this.#index) throw new Error("the run store is not open");
    return this.#index;
  }

  /**
   * Opens the index and reconciles it with the files of the partitions that changed
   * since their checkpoint, then checkpoints them and, every `checkpointEveryMs`, the
   * partitions written since (when no write is in flight).
   */
  async open(connection: BetterSqlite3.Database): Promise<ReconcileReport> {
    this.#index = new SqliteRunIndex(connection);
    const report = await this.reconcile();
    if (report.tempFilesRemoved || report.indexed || report.corrupt || report.staleRowsRemoved || report.unannounced) {
      this.#logger.warn(report, "run store reconciled after an unclean stop");
    }
    await this.#checkpointLogged();
    this.#timer = setInterval(() => void this.#checkpointLogged(), this.#checkpointEveryMs);
    this.#timer.unref();
    return report;
  }

  /**
   * Brings the index in line with the files of every partition that can have changed
   * since its checkpoint — its directory's mtime differs from the recorded one, or it
   * has no checkpoint, or it is gone: remove its temp files, index its unindexed files,
   * drop its rows without a file. With the log on, an unindexed file whose intent
   * matches its bytes gets its leaf in the same transaction as its row; then every
   * intent is cleared (after a checkpoint no intent can name a file of that partition:
   * it was taken with no create in flight).
   */
  async reconcile(): Promise<ReconcileReport> {
    const mtimes = await this.files.partitionMtimes();
    const recorded = this.#idx.checkpoints();
    const changed = [...mtimes.keys()].filter((p) => recorded.get(p) !== mtimes.get(p)?.toString());
    const gone = [...new Set([...recorded.keys(), ...this.#idx.partitionsWithRows()])].filter((p) => !mtimes.has(p));
    const log = this.#log;
    const intents = new Map((log ? await log.announced("run") : []).map((l) => [l.id, l.sha256]));
    const announced = (row: IndexRow) => intents.get(row.run_id) === row.file_sha256;
    const pending: IndexRow[] = [];
    let tempFilesRemoved = 0;
    let corrupt = 0;
    let indexed = 0;
    let logged = 0;
    let unannounced = 0;
    let staleRowsRemoved = 0;
    const flush = () => {
      const rows = pending.splice(0);
      if (!this.#log) return this.#idx.insertMany(rows);
      const results = this.#idx.insertManyLogged(rows, this.#log, announced);
      rows.forEach((row, i) => {
        if (!results[i]) return;
        if (announced(row)) logged++;
        else {
          unannounced++;
          this.#logger.error(
            { run_id: row.run_id, location: row.location },
            "artifact file the service did not announce (no intent): indexed, but not appended to the transparency log",
          );
        }
      });
    };
    const removeStale = (known: Map<string, string>) => {
      for (const [runId, location] of known) {
        this.#logger.error({ run_id: runId, location }, "index row without its artifact file: removed from the index");
        this.#idx.remove(runId);
        staleRowsRemoved++;
      }
    };
    for (const partition of changed) {
      tempFilesRemoved += await this.files.removeTempFilesIn(partition);
      const known = this.#idx.locationsIn(partition);
      for (const file of await this.files.partitionFiles(partition)) {
        if (known.get(file.runId) === file.location) {
          known.delete(file.runId);
          continue;
        }
        const row = await this.#rowOfFile(file);
        if (row) pending.push(row);
        else corrupt++;
        if (pending.length >= 1000) flush();
        indexed += row ? 1 : 0;
      }
      flush();
      removeStale(known);
      this.#dirty.add(partition);
    }
    for (const partition of gone) removeStale(this.#idx.locationsIn(partition));
    if (gone.length > 0) this.#idx.recordCheckpoints(new Map(), gone);
    // Intents left now belong to creates that were never acknowledged (no file, or other bytes).
    if (log)
      await log.forget(
        "run",
        (await log.announced("run")).map((l) => l.id),
      );
    return {
      tempFilesRemoved,
      indexed,
      corrupt,
      staleRowsRemoved,
      logged,
      unannounced,
      partitions: mtimes.size,
      partitionsScanned: changed.length + gone.length,
    };
  }

  /**
   * Records, for each partition written since its checkpoint, its directory's mtime —
   * only when no write of this store is in flight (nor starts meanwhile), never for a
   * partition a write failed in (it may hold a file without its row; it is rescanned
   * at the next start), and not for a directory changed in the last
   * RACY_WINDOW_NS (a later change within the clock's granularity could leave the mtime
   * equal; it stays pending). Answers how many partitions were recorded.
   */
  async checkpoint(): Promise<number> {
    if (this.#writesInFlight > 0 || this.#dirty.size === 0) return 0;
    const startedAt = this.#writesStarted;
    const entries = new Map<string, bigint>();
    const gone: string[] = [];
    for (const partition of this.#dirty) {
      if (this.#tainted.has(partition)) continue;
      const mtime = await this.files.partitionMtime(partition);
      if (mtime === undefined) gone.push(partition);
      else if (BigInt(Date.now()) * 1_000_000n - mtime >= RACY_WINDOW_NS) entries.set(partition, mtime);
    }
    // A write that started during the stats may have changed a directory after its stat.
    if (this.#writesInFlight > 0 || this.#writesStarted !== startedAt || !this.#index) return 0;
    this.#idx.recordCheckpoints(entries, gone);
    for (const partition of [...entries.keys(), ...gone]) this.#dirty.delete(partition);
    return entries.size;
  }

  async #checkpointLogged(): Promise<void> {
    try {
      await this.checkpoint();
    } catch (error) {
      this.#logger.warn({ err: error }, "run store checkpoint not recorded: the next start rescans those partitions");
    }
  }

  /** Runs a write into `partition`, tracked for the checkpoint; a failed one taints the partition. */
  async #writing<T>(partition: string, write: () => Promise<T>): Promise<T> {
    this.#writesInFlight++;
    this.#writesStarted++;
    this.#dirty.add(partition);
    try {
      return await write();
    } catch (error) {
      this.#tainted.add(partition);
      throw error;
    } finally {
      this.#writesInFlight--;
    }
  }

  async #rowOfFile(file: RunFile): Promise<IndexRow | undefined> {
    try {
      const bytes = await this.files.read(file.location);
      const artifact = parseStored(file.runId, file.location, bytes);
      return indexRowOf(artifact, file.location, bytes, sha256Hex(bytes));
    } catch (error) {
      this.#logger.error(
        { run_id: file.runId, location: file.location, err: error },
        "corrupt artifact file: not indexed",
      );
      return undefined;
    }
  }

  async create(artifact: StoredArtifact): Promise<StoredRun> {
    assertGovernanceFields(artifact);
    const bytes = Buffer.from(canonicalize(artifact), "utf8");
    const sha256 = sha256Hex(bytes);
    if (this.#idx.has(artifact.run_id)) throw new RunAlreadyExistsError(artifact.run_id);
    const partition = this.files.partitionOf(artifact.created_at_utc);
    const location = this.files.locationOf(partition, artifact.run_id);
    const row = indexRowOf(artifact, location, bytes, sha256);
    // The intent: one small commit in the log's table (WAL, no fsync of its own).
    if (this.#log) await this.#log.announce([runLeafOf(row)]);
    // A file already there is refused before anything is written (the partition stays
    // checkpointable); a refusal after the file was written taints it (#writing).
    const outcome = await this.#writing(partition, async () => {
      if ((await this.files.writeRun(partition, artifact.run_id, bytes)) === "exists") return "exists";
      if (!(await this.#indexing.submit(row))) {
        this.#logger.error({ run_id: artifact.run_id, location }, "run id already indexed in another partition");
        throw new RunAlreadyExistsError(artifact.run_id);
      }
      return "stored";
    });
    if (outcome === "exists") throw new RunAlreadyExistsError(artifact.run_id);
    const stored = storedRunOf(bytes, sha256);
    this.cache.set(artifact.run_id, stored, artifact.schema_version);
    return stored;
  }

  async get(runId: string, options: { fresh?: boolean } = {}): Promise<StoredRun | undefined> {
    const cached = options.fresh ? undefined : this.cache.get(runId);
    if (cached) return cached;
    const row = this.#idx.get(runId);
    if (!row) return undefined;
    const stored = await this.#readChecked(runId, row.location, row.file_sha256);
    this.cache.set(runId, stored, stored.artifact.schema_version);
    return stored;
  }

  async #readChecked(runId: string, location: string, expectedSha: string): Promise<StoredRun> {
    let bytes: Buffer;
    try {
      bytes = await this.files.read(location);
    } catch (error) {
      throw new CorruptArtifactError(
        runId,
        location,
        `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    return checkedStoredRun(runId, location, bytes, expectedSha);
  }

  async has(runId: string): Promise<boolean> {
    return this.#idx.has(runId);
  }

  async list(query: RunListQuery): Promise<RunPage> {
    return this.#idx.list(query);
  }

  async count(): Promise<number> {
    return this.#idx.count();
  }

  async versionCounts(): Promise<Record<string, number>> {
    return this.#idx.versionCounts();
  }

  async *scan(): AsyncGenerator<ScannedRun> {
    for await (const file of this.files.scan()) {
      const row = this.#idx.get(file.runId);
      yield {
        run_id: file.runId,
        location: file.location,
        read: async () => {
          if (row && row.location === file.location)
            return this.#readChecked(file.runId, file.location, row.file_sha256);
          const bytes = await this.files.read(file.location);
          return { artifact: parseStored(file.runId, file.location, bytes), bytes, sha256: sha256Hex(bytes) };
        },
      };
    }
  }

  #partitionOf(runId: string): string {
    const row = this.#idx.get(runId);
    if (!row) throw new Error(`run ${runId} is not stored`);
    return row.location.split("/")[1] as string;
  }

  async putSidecar(runId: string, name: string, bytes: Buffer): Promise<{ created: boolean; bytes: Buffer }> {
    if (!SIDECAR_NAME_PATTERN.test(name)) throw new Error(`sidecar name ${name} is not allowed`);
    const partition = this.#partitionOf(runId);
    const outcome = await this.#writing(partition, () => this.files.writeSidecar(partition, runId, name, bytes));
    if (outcome === "created") return { created: true, bytes };
    return { created: false, bytes: (await this.files.readSidecar(partition, runId, name)) as Buffer };
  }

  async getSidecar(runId: string, name: string): Promise<Buffer | undefined> {
    if (!SIDECAR_NAME_PATTERN.test(name)) return undefined;
    const row = this.#idx.get(runId);
    if (!row) return undefined;
    return this.files.readSidecar(row.location.split("/")[1] as string, runId, name);
  }

  async listSidecars(runId: string, prefix: string): Promise<string[]> {
    const row = this.#idx.get(runId);
    if (!row) return [];
    return this.files.listSidecars(row.location.split("/")[1] as string, runId, prefix);
  }

  scanSidecars(): AsyncIterable<{ run_id: string; name: string }> {
    return this.files.scanSidecars();
  }

  async rebuildIndex(progress?: ProgressFn): Promise<{ indexed: number; corrupt: number }> {
    const files: RunFile[] = [];
    for await (const file of this.files.scan()) files.push(file);
    await this.files.removeTempFiles();
    const rows: IndexRow[] = [];
    let corrupt = 0;
    for (const [i, file] of files.entries()) {
      const row = await this.#rowOfFile(file);
      if (row) rows.push(row);
      else corrupt++;
      progress?.(i + 1, files.length);
    }
    // Swap the index contents in one transaction: readers see the old or the new index.
    this.#idx.replaceAll(rows);
    return { indexed: rows.length, corrupt };
  }

  /**
   * The digests of every stored run and advisory link as the files hold them now
   * (read directly, no index trusted), for reconciling with the transparency log.
   */
  async *logDigests(): AsyncGenerator<RecordDigest> {
    for await (const file of this.files.scan()) {
      yield { type: "run", id: file.runId, sha256: sha256Hex(await this.files.read(file.location)) };
    }
    for await (const sidecar of this.files.scanSidecarFiles(ADVISORY_LINK_PREFIX)) {
      yield {
        type: "advisory_link",
        id: advisoryLinkLeafId(sidecar.runId, sidecar.name.slice(ADVISORY_LINK_PREFIX.length)),
        sha256: sha256Hex(await this.files.read(sidecar.location)),
      };
    }
  }

  /** Stops the periodic checkpoint, records a last one (a clean stop) and closes. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#index) await this.#checkpointLogged();
    this.#index = undefined;
  }
}
