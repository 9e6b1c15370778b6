/**
 * The RunStore on PostgreSQL (tables of migrations/postgres/0001_runs.sql), shared by
 * any number of instances.
 *
 * A create is one statement: a CTE inserts the index row (whose primary key makes the
 * run id write-once across instances: of two writers exactly one commits, the other
 * gets a unique violation → RunAlreadyExistsError) and the exact canonical bytes into
 * the month partition of `runs_artifacts`. When that month has no partition yet, the
 * statement fails as a whole, the store asks `runs_ensure_artifact_partitions` (which
 * creates it and the next month, once, under an advisory lock) and retries. Reads
 * re-check the bytes' SHA-256 against the index row. Lists are keyset pages in the
 * embedded store's order (`created_us DESC, run_id DESC`), served by one index per
 * filter. The only cache holds stored runs, which are write-once and so never stale.
 * With the transparency log on, the create is a transaction instead: the same
 * statement, then the run's leaf appended on the same connection (the log's sequencer
 * lock taken last), committed together — a run is never stored without its leaf.
 * Concurrent creates of this instance share that transaction (a group commit, at most
 * two in flight): the lock and the WAL flush are paid once per batch, not once per run.
 */
import type pg from "pg";
import type { RiskLevel, RunStatus, RunSummary } from "../../contracts/artifact.js";
import { sha256Hex } from "../../contracts/hashing.js";
import { canonicalize } from "../../contracts/jcs.js";
import {
  CorruptArtifactError,
  RunAlreadyExistsError,
  type RunListQuery,
  type RunPage,
  type RunStore,
  SIDECAR_NAME_PATTERN,
  type ScannedRun,
  type StoredArtifact,
  type StoredRun,
  assertGovernanceFields,
} from "../../contracts/ports/run_store.js";
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import { ADVISORY_LINK_PREFIX } from "../../contracts/ports/advisory_store.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { advisoryLinkLeafId } from "../../contracts/record_leaves.js";
import { parseUtc } from "../../contracts/time.js";
import type { LogLeaf } from "../../contracts/tlog/leaf.js";
import {
  AsyncGroupCommit,
  type ItemOutcome,
  inClientTransaction,
  isStorableKey,
  keysetRows,
} from "../../kernel/plugin_api/storage.js";
import { checkedStoredRun } from "./stored_run.js";
import { StoredRunCache, storedRunOf } from "./stored_run_cache.js";

/** Options of {@link PostgresRunStore}. */
export interface PostgresRunStoreOptions {
  /** Bytes of stored runs kept in memory (default 64 MiB; 0 disables the cache). */
  readonly cacheBytes?: number;
  /** Months of partitions created ahead of the one a create needed (default 1). */
  readonly partitionsAhead?: number;
  /** Runs read per round trip by `scan` (default 500). */
  readonly scanBatch?: number;
  /** The transparency log: each run's leaf is appended in its create's transaction. */
  readonly log?: TransparencyLog | undefined;
}

const SUMMARY_COLUMNS =
  "run_id, created_us, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256";

interface SummaryRow {
  run_id: string;
  created_us: string | number;
  created_at_utc: string;
  schema_version: string;
  mode: string;
  tool_id: string;
  status: string;
  risk_level: string;
  feasibility_sha256: string;
}

const INSERT_RUN = `WITH indexed AS (
  INSERT INTO runs_index (run_id, created_us, created_at, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256, sha256, size_bytes)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  RETURNING run_id, created_at
)
INSERT INTO runs_artifacts (run_id, created_at, bytes) SELECT run_id, created_at, $13 FROM indexed`;

/**
 * The rows of many runs in one statement (one round trip instead of one per run): each
 * column an array, a run whose id is taken inserts nothing; answers the ids inserted.
 * Parameters: the columns of INSERT_RUN, $1–$13, each as an array.
 */
const INSERT_RUNS_IF_NEW = `WITH indexed AS (
  INSERT INTO runs_index (run_id, created_us, created_at, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256, sha256, size_bytes)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
  ON CONFLICT (run_id) DO NOTHING
  RETURNING run_id, created_at
)
INSERT INTO runs_artifacts (run_id, created_at, bytes)
SELECT indexed.run_id, indexed.created_at, given.bytes
FROM indexed JOIN unnest($1::text[], $13::bytea[]) AS given (run_id, bytes) ON given.run_id = indexed.run_id
RETURNING run_id`;

/** A logged create waiting for its batch. */
interface PendingInsert {
  readonly params: unknown[];
  readonly leaf: LogLeaf;
}

const SELECT_RUN = `SELECT i.sha256, a.bytes, a.tableoid::regclass::text AS partition
  FROM runs_index i
  LEFT JOIN runs_artifacts a ON a.run_id = i.run_id AND a.created_at = i.created_at
  WHERE i.run_id = $1`;

/** A pg error's SQLSTATE and constraint, when it is one. */
function pgError(error: unknown): { code?: string; constraint?: string; message: string } {
  return error as { code?: string; constraint?: string; message: string };
}

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";
const CHECK_VIOLATION = "23514";

function isMissingPartition(error: unknown): boolean {
  const e = pgError(error);
  return e.code === CHECK_VIOLATION && /no partition of relation/.test(e.message);
}

function toSummary(row: SummaryRow): RunSummary {
  return {
    run_id: row.run_id,
    created_at_utc: row.created_at_utc,
    schema_version: row.schema_version,
    mode: row.mode,
    tool_id: row.tool_id,
    status: row.status as RunStatus,
    risk_level: row.risk_level as RiskLevel,
    feasibility_sha256: row.feasibility_sha256,
  };
}

/**
 * The SQL of a list page (newest first, one row more than `limit` to tell whether more
 * follow) and its parameters. Exported for `EXPLAIN` in the scale-out docs.
 */
export function runListSql(query: RunListQuery): { sql: string; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const param = (value: string | number) => {
    params.push(value);
    return `$${params.length}`;
  };
  for (const column of ["mode", "tool_id", "status", "risk_level"] as const) {
    const value = query[column];
    if (value !== undefined) where.push(`${column} = ${param(value)}`);
  }
  if (query.created_from_us !== undefined) where.push(`created_us >= ${param(query.created_from_us)}`);
  if (query.created_to_us !== undefined) where.push(`created_us < ${param(query.created_to_us)}`);
  if (query.after) {
    // A row comparison, which the (…, created_us DESC, run_id DESC) indexes serve as a range.
    where.push(`(created_us, run_id) < (${param(query.after.created_us)}, ${param(query.after.run_id)})`);
  }
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs_index ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_us DESC, run_id DESC LIMIT ${param(query.limit + 1)}`;
  return { sql, params };
}

export class PostgresRunStore implements RunStore {
  readonly #pool: pg.Pool;
  #cache: StoredRunCache;
  readonly #cacheBytes: number;
  readonly #ahead: number;
  readonly #scanBatch: number;
  readonly #log: TransparencyLog | undefined;
  /** Logged creates waiting for the next shared transaction (see #insertBatch). */
  readonly #batches = new AsyncGroupCommit<PendingInsert, true>((items) => this.#insertBatch(items), 256, 2);

  /** A store on `pool`, whose database `rmos db migrate` has migrated. The pool stays the caller's. */
  constructor(pool: pg.Pool, options: PostgresRunStoreOptions = {}) {
    this.#pool = pool;
    this.#cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024;
    this.#cache = new StoredRunCache(this.#cacheBytes);
    this.#ahead = options.partitionsAhead ?? 1;
    this.#scanBatch = options.scanBatch ?? 500;
    this.#log = options.log;
  }

  /** Inserts the run's rows and, with the log on, its leaf in the same transaction. */
  async #insert(params: unknown[], leaf: LogLeaf): Promise<void> {
    const log = this.#log;
    if (!log) {
      await this.#pool.query(INSERT_RUN, params);
      return;
    }
    await inClientTransaction(this.#pool, async (client) => {
      await client.query(INSERT_RUN, params);
      await log.appendWithClient(client, [leaf]);
    });
  }

  /**
   * With the log on, concurrent creates share one transaction: every run's rows in one
   * statement (a run whose id is taken inserts nothing and is refused alone), then every
   * new run's leaf, one commit. The log's sequencer lock is held from the append to the commit, so one
   * transaction per run would serialise every create behind a WAL flush; a batch pays
   * that once. When the batch's transaction fails as a whole (a month without its
   * partition yet, a leaf conflict), each of its runs is retried alone, where the error
   * is that run's.
   */
  async #insertBatch(items: readonly PendingInsert[]): Promise<ItemOutcome<true>[]> {
    const log = this.#log as TransparencyLog;
    try {
      // Two creates of one id in a batch: each alone below (the statement joins by id).
      if (new Set(items.map((item) => item.leaf.id)).size !== items.length) throw new Error("repeated run id");
      return await inClientTransaction(this.#pool, async (client) => {
        const columns = (items[0]?.params ?? []).map((_, column) => items.map((item) => item.params[column]));
        const { rows } = await client.query<{ run_id: string }>(INSERT_RUNS_IF_NEW, columns);
        const inserted = new Set(rows.map((row) => row.run_id));
        const leaves = items.filter((item) => inserted.has(item.leaf.id)).map((item) => item.leaf);
        if (leaves.length > 0) await log.appendWithClient(client, leaves);
        return items.map(
          (item): ItemOutcome<true> =>
            inserted.has(item.leaf.id)
              ? { ok: true, value: true }
              : { ok: false, error: new RunAlreadyExistsError(item.leaf.id) },
        );
      });
    } catch {
      // The batch rolled back as a whole (or was not tried): nothing of it is stored. Each run alone then
      // meets its own outcome (and its own error, which is what its caller must see).
      return Promise.all(
        items.map(async (item): Promise<ItemOutcome<true>> => {
          try {
            await this.#insert(item.params, item.leaf);
            return { ok: true, value: true };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      );
    }
  }

  async create(artifact: StoredArtifact): Promise<StoredRun> {
    assertGovernanceFields(artifact);
    const bytes = Buffer.from(canonicalize(artifact), "utf8");
    const sha256 = sha256Hex(bytes);
    const created = parseUtc(artifact.created_at_utc);
    const decision = artifact.decision as { risk_level: string };
    const hashes = artifact.hashes as { feasibility_sha256: string };
    const params = [
      artifact.run_id,
      created.micros,
      created.iso,
      artifact.created_at_utc,
      artifact.schema_version,
      String(artifact.mode ?? ""),
      String(artifact.tool_id ?? ""),
      String(artifact.status ?? ""),
      decision.risk_level,
      hashes.feasibility_sha256,
      sha256,
      bytes.length,
      bytes,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const leaf: LogLeaf = { type: "run", id: artifact.run_id, sha256, created_at_utc: artifact.created_at_utc };
        if (this.#log && attempt === 1) await this.#batches.submit({ params, leaf });
        else await this.#insert(params, leaf);
        break;
      } catch (error) {
        if (pgError(error).code === UNIQUE_VIOLATION && pgError(error).constraint === "runs_index_pkey") {
          throw new RunAlreadyExistsError(artifact.run_id);
        }
        if (attempt === 1 && isMissingPartition(error)) {
          await this.#pool.query("SELECT runs_ensure_artifact_partitions($1, $2)", [created.iso, this.#ahead]);
          continue;
        }
        throw error;
      }
    }
    const stored = storedRunOf(bytes, sha256);
    this.#cache.set(artifact.run_id, stored, artifact.schema_version);
    return stored;
  }

  async get(runId: string, options: { fresh?: boolean } = {}): Promise<StoredRun | undefined> {
    const cached = options.fresh ? undefined : this.#cache.get(runId);
    if (cached) return cached;
    if (!isStorableKey(runId)) return undefined;
    const { rows } = await this.#pool.query<{ sha256: string; bytes: Buffer | null; partition: string | null }>(
      SELECT_RUN,
      [runId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const stored = this.#checked(runId, row.partition ?? "runs_artifacts", row.bytes, row.sha256);
    this.#cache.set(runId, stored, stored.artifact.schema_version);
    return stored;
  }

  #checked(runId: string, partition: string, bytes: Buffer | null, expectedSha: string): StoredRun {
    const location = `${partition}/${runId}`;
    if (!bytes) throw new CorruptArtifactError(runId, location, "its index row has no artifact row");
    return checkedStoredRun(runId, location, bytes, expectedSha);
  }

  async has(runId: string): Promise<boolean> {
    if (!isStorableKey(runId)) return false;
    const { rowCount } = await this.#pool.query("SELECT 1 FROM runs_index WHERE run_id = $1", [runId]);
    return rowCount === 1;
  }

  async list(query: RunListQuery): Promise<RunPage> {
    const { sql, params } = runListSql(query);
    const { rows } = await this.#pool.query<SummaryRow>(sql, params);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    return {
      items: page.map(toSummary),
      next: more && last ? { created_us: Number(last.created_us), run_id: last.run_id } : null,
    };
  }

  async count(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string | number }>("SELECT count(*) AS n FROM runs_index");
    return Number(rows[0]?.n ?? 0);
  }

  async versionCounts(): Promise<Record<string, number>> {
    const { rows } = await this.#pool.query<{ schema_version: string; n: string | number }>(
      "SELECT schema_version, count(*) AS n FROM runs_index GROUP BY schema_version",
    );
    return Object.fromEntries(rows.map((r) => [r.schema_version, Number(r.n)]));
  }

  /** Every artifact row (the authoritative bytes), by run id, in pages. */
  async *scan(): AsyncGenerator<ScannedRun> {
    const rows = keysetRows(
      "",
      this.#scanBatch,
      async (after) =>
        (
          await this.#pool.query<{ run_id: string; partition: string }>(
            "SELECT run_id, tableoid::regclass::text AS partition FROM runs_artifacts WHERE run_id > $1 ORDER BY run_id LIMIT $2",
            [after, this.#scanBatch],
          )
        ).rows,
      (row) => row.run_id,
    );
    for await (const row of rows) {
      const location = `${row.partition}/${row.run_id}`;
      yield {
        run_id: row.run_id,
        location,
        read: async () => {
          const found = await this.#pool.query<{ sha256: string | null; bytes: Buffer }>(
            `SELECT i.sha256, a.bytes FROM runs_artifacts a LEFT JOIN runs_index i ON i.run_id = a.run_id
              WHERE a.run_id = $1 AND a.tableoid = $2::regclass`,
            [row.run_id, row.partition],
          );
          const hit = found.rows[0];
          if (!hit) throw new CorruptArtifactError(row.run_id, location, "its row is gone");
          if (hit.sha256 === null) throw new CorruptArtifactError(row.run_id, location, "it has no index row");
          return this.#checked(row.run_id, row.partition, hit.bytes, hit.sha256);
        },
      };
    }
  }

  async putSidecar(runId: string, name: string, bytes: Buffer): Promise<{ created: boolean; bytes: Buffer }> {
    if (!SIDECAR_NAME_PATTERN.test(name)) throw new Error(`sidecar name ${name} is not allowed`);
    try {
      const inserted = await this.#pool.query(
        "INSERT INTO runs_sidecars (run_id, name, bytes) VALUES ($1, $2, $3) ON CONFLICT (run_id, name) DO NOTHING",
        [runId, name, bytes],
      );
      if (inserted.rowCount === 1) return { created: true, bytes };
    } catch (error) {
      if (pgError(error).code === FOREIGN_KEY_VIOLATION) throw new Error(`run ${runId} is not stored`);
      throw error;
    }
    const existing = await this.getSidecar(runId, name);
    if (!existing) throw new Error(`sidecar ${name} of run ${runId} was refused as a duplicate but cannot be read`);
    return { created: false, bytes: existing };
  }

  async getSidecar(runId: string, name: string): Promise<Buffer | undefined> {
    if (!SIDECAR_NAME_PATTERN.test(name) || !isStorableKey(runId)) return undefined;
    const { rows } = await this.#pool.query<{ bytes: Buffer }>(
      "SELECT bytes FROM runs_sidecars WHERE run_id = $1 AND name = $2",
      [runId, name],
    );
    return rows[0]?.bytes;
  }

  async listSidecars(runId: string, prefix: string): Promise<string[]> {
    if (!isStorableKey(runId) || !isStorableKey(prefix)) return [];
    const { rows } = await this.#pool.query<{ name: string }>(
      "SELECT name FROM runs_sidecars WHERE run_id = $1 AND starts_with(name, $2) ORDER BY name",
      [runId, prefix],
    );
    return rows.map((r) => r.name);
  }

  /** Every sidecar's run and name, in batches of 1000 (keyset pagination). */
  scanSidecars(): AsyncGenerator<{ run_id: string; name: string }> {
    return this.#sidecarRows<{ run_id: string; name: string }>("run_id, name", "");
  }

  /** Rows of `runs_sidecars` whose name starts with `prefix`, by (run_id, name), 1000 per round trip. */
  #sidecarRows<Row extends { run_id: string; name: string }>(columns: string, prefix: string): AsyncGenerator<Row> {
    return keysetRows(
      { run_id: "", name: "" },
      1000,
      async (after) =>
        (
          await this.#pool.query<Row>(
            `SELECT ${columns} FROM runs_sidecars
              WHERE (run_id, name) > ($1, $2) AND starts_with(name, $3) ORDER BY run_id, name LIMIT 1000`,
            [after.run_id, after.name, prefix],
          )
        ).rows,
      (row) => ({ run_id: row.run_id, name: row.name }),
    );
  }

  /** The cache of stored runs' bytes (for its metrics). */
  get cache(): StoredRunCache {
    return this.#cache;
  }

  /**
   * Every stored run and advisory link, hashed from the bytes stored now (not from the
   * index's recorded hash), for `rmos verify`'s reconciliation with the log.
   */
  async *logDigests(): AsyncGenerator<RecordDigest> {
    const runs = keysetRows(
      "",
      this.#scanBatch,
      async (after) =>
        (
          await this.#pool.query<{ run_id: string; bytes: Buffer }>(
            "SELECT run_id, bytes FROM runs_artifacts WHERE run_id > $1 ORDER BY run_id LIMIT $2",
            [after, this.#scanBatch],
          )
        ).rows,
      (row) => row.run_id,
    );
    for await (const row of runs) yield { type: "run", id: row.run_id, sha256: sha256Hex(row.bytes) };
    const links = this.#sidecarRows<{ run_id: string; name: string; bytes: Buffer }>(
      "run_id, name, bytes",
      ADVISORY_LINK_PREFIX,
    );
    for await (const row of links) {
      yield {
        type: "advisory_link",
        id: advisoryLinkLeafId(row.run_id, row.name.slice(ADVISORY_LINK_PREFIX.length)),
        sha256: sha256Hex(row.bytes),
      };
    }
  }

  /** Drops the cache; the pool belongs to the caller. */
  async close(): Promise<void> {
    this.#cache = new StoredRunCache(this.#cacheBytes);
  }
}
