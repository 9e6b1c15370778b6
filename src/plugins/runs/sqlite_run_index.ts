/**
 * The SQLite index of the embedded run store: one row per run with the summary
 * fields, the file's location and the SHA-256 of its bytes. It serves get-by-id and
 * filtered, keyset-paginated lists (newest first, `created_us DESC, run_id DESC`), so
 * no request scans the partitions. It is derived data: `rebuild` refills it from the
 * files. With the transparency log on, a run's leaf is appended in the transaction
 * that inserts its row.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { RunSummary } from "../../contracts/artifact.js";
import type { RunListQuery, RunPage } from "../../contracts/ports/run_store.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import type { LogLeaf } from "../../contracts/tlog/leaf.js";

/** One index row. */
export interface IndexRow extends RunSummary {
  readonly created_us: number;
  readonly location: string;
  readonly file_sha256: string;
  readonly size_bytes: number;
}

/** The log leaf of an indexed run: its id, its stored bytes' SHA-256 and its creation time. */
export function runLeafOf(row: IndexRow): LogLeaf {
  return { type: "run", id: row.run_id, sha256: row.file_sha256, created_at_utc: row.created_at_utc };
}

/** Microseconds in a UTC day (a partition). */
const DAY_US = 86_400_000_000;

/** The condition of the partial index runs_index_misplaced (migration 0002), word for word. */
const MISPLACED = "substr(location, 6, 10) <> date(created_us / 1000000, 'unixepoch')";

const COLUMNS =
  "run_id, created_us, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256, location, file_sha256, size_bytes";

export class SqliteRunIndex {
  readonly #db: BetterSqlite3.Database;
  readonly #insert: BetterSqlite3.Statement;
  readonly #byId: BetterSqlite3.Statement;
  readonly #exists: BetterSqlite3.Statement;
  readonly #count: BetterSqlite3.Statement;
  readonly #dayRows: BetterSqlite3.Statement;
  readonly #misplacedIn: BetterSqlite3.Statement;
  readonly #misplacedPartitions: BetterSqlite3.Statement;
  readonly #firstFrom: BetterSqlite3.Statement;
  readonly #checkpoints: BetterSqlite3.Statement;
  readonly #recordCheckpoints: (entries: ReadonlyMap<string, bigint>, gone: readonly string[]) => void;
  readonly #delete: BetterSqlite3.Statement;
  readonly #insertAll: (rows: readonly IndexRow[]) => boolean[];
  readonly #insertLogged: (
    rows: readonly IndexRow[],
    log: TransparencyLog,
    logged: (row: IndexRow) => boolean,
  ) => boolean[];
  readonly #lists = new Map<string, BetterSqlite3.Statement>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO runs_index (${COLUMNS}) VALUES (@run_id, @created_us, @created_at_utc, @schema_version, @mode, @tool_id, @status, @risk_level, @feasibility_sha256, @location, @file_sha256, @size_bytes)`,
    );
    this.#byId = db.prepare(`SELECT ${COLUMNS} FROM runs_index WHERE run_id = ?`);
    // Answered from the primary-key index alone, without reading the row.
    this.#exists = db.prepare("SELECT 1 FROM runs_index WHERE run_id = ?").pluck();
    this.#count = db.prepare("SELECT COUNT(*) AS n FROM runs_index").pluck();
    this.#dayRows = db.prepare(
      "SELECT run_id, location FROM runs_index WHERE created_us >= ? AND created_us < ? ORDER BY created_us DESC",
    );
    this.#misplacedIn = db.prepare(
      `SELECT run_id, location FROM runs_index WHERE ${MISPLACED} AND substr(location, 6, 10) = ?`,
    );
    this.#misplacedPartitions = db
      .prepare(`SELECT DISTINCT substr(location, 6, 10) FROM runs_index WHERE ${MISPLACED}`)
      .pluck();
    this.#firstFrom = db
      .prepare("SELECT created_us FROM runs_index WHERE created_us >= ? ORDER BY created_us LIMIT 1")
      .pluck();
    this.#checkpoints = db.prepare("SELECT partition, mtime_ns FROM runs_partition_checkpoints");
    const upsert = db.prepare(
      "INSERT INTO runs_partition_checkpoints (partition, mtime_ns, checked_at) VALUES (?, ?, ?) ON CONFLICT (partition) DO UPDATE SET mtime_ns = excluded.mtime_ns, checked_at = excluded.checked_at",
    );
    const forget = db.prepare("DELETE FROM runs_partition_checkpoints WHERE partition = ?");
    this.#recordCheckpoints = db.transaction((entries: ReadonlyMap<string, bigint>, gone: readonly string[]) => {
      const at = new Date().toISOString();
      for (const [partition, mtimeNs] of entries) upsert.run(partition, mtimeNs.toString(), at);
      for (const partition of gone) forget.run(partition);
    });
    this.#delete = db.prepare("DELETE FROM runs_index WHERE run_id = ?");
    this.#insertAll = db.transaction((rows: readonly IndexRow[]) => rows.map((row) => this.insert(row)));
    this.#insertLogged = db.transaction(
      (rows: readonly IndexRow[], log: TransparencyLog, logged: (row: IndexRow) => boolean) => {
        const results = rows.map((row) => this.insert(row));
        const leaves: LogLeaf[] = [];
        rows.forEach((row, i) => {
          if (!results[i] || !logged(row)) return;
          leaves.push(runLeafOf(row));
        });
        if (leaves.length > 0) log.appendInTransaction(leaves);
        return results;
      },
    );
  }

  /** Adds a row; false when the run id is already indexed. */
  insert(row: IndexRow): boolean {
    try {
      this.#insert.run(row);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") return false;
      throw error;
    }
  }

  /** Adds many rows in one transaction; per row, false when its run id was already indexed. */
  insertMany(rows: readonly IndexRow[]): boolean[] {
    return this.#insertAll(rows);
  }

  /**
   * Adds many rows and, in the same transaction, the log leaves of those `logged`
   * accepts (the append removes their intents): the rows and their leaves commit together.
   */
  insertManyLogged(rows: readonly IndexRow[], log: TransparencyLog, logged: (row: IndexRow) => boolean): boolean[] {
    return this.#insertLogged(rows, log, logged);
  }

  /** Whether the run id is indexed. */
  has(runId: string): boolean {
    return this.#exists.get(runId) !== undefined;
  }

  get(runId: string): IndexRow | undefined {
    return this.#byId.get(runId) as IndexRow | undefined;
  }

  count(): number {
    return this.#count.get() as number;
  }

  /** schema_version → number of indexed runs. */
  versionCounts(): Record<string, number> {
    const rows = this.#db
      .prepare("SELECT schema_version, COUNT(*) AS n FROM runs_index GROUP BY schema_version")
      .all() as Array<{ schema_version: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.schema_version, r.n]));
  }

  /**
   * run id → location of the indexed runs whose file is in `partition` (a UTC date):
   * the rows created that day, by the created index, plus misplaced rows (their file in
   * another partition than their date) by their partial index — never a table scan.
   */
  locationsIn(partition: string): Map<string, string> {
    const from = Date.parse(`${partition}T00:00:00Z`) * 1000;
    const prefix = `runs/${partition}/`;
    const out = new Map<string, string>();
    // Less than a second earlier too: before 1970 SQLite's date() truncates toward zero.
    const rows = [
      ...(this.#dayRows.all(from - 1_000_000, from + DAY_US) as Array<{ run_id: string; location: string }>),
      ...(this.#misplacedIn.all(partition) as Array<{ run_id: string; location: string }>),
    ];
    for (const row of rows) if (row.location.startsWith(prefix)) out.set(row.run_id, row.location);
    return out;
  }

  /**
   * Every partition that holds at least one row: one seek in the created index per
   * UTC day that has rows, plus the partitions of misplaced rows.
   */
  partitionsWithRows(): Set<string> {
    const out = new Set<string>();
    let from = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const next = this.#firstFrom.get(from) as number | bigint | undefined;
      if (next === undefined) break;
      // The day as SQLite's date(created_us / 1000000, 'unixepoch') has it (the partial index's).
      const day = Math.floor(Math.trunc(Number(next) / 1_000_000) / 86_400);
      out.add(new Date(day * 86_400_000).toISOString().slice(0, 10));
      from = (day + 1) * DAY_US;
    }
    for (const partition of this.#misplacedPartitions.all() as string[]) out.add(partition);
    return out;
  }

  /** partition → directory mtime (ns, decimal) at its last checkpoint. */
  checkpoints(): Map<string, string> {
    const rows = this.#checkpoints.all() as Array<{ partition: string; mtime_ns: string }>;
    return new Map(rows.map((r) => [r.partition, r.mtime_ns]));
  }

  /** Records checkpoints (partition → mtime ns) and forgets those of `gone`, in one transaction. */
  recordCheckpoints(entries: ReadonlyMap<string, bigint>, gone: Iterable<string> = []): void {
    this.#recordCheckpoints(entries, [...gone]);
  }

  remove(runId: string): void {
    this.#delete.run(runId);
  }

  /**
   * Replaces the whole index with `rows`, atomically (for a rebuild), and forgets every
   * partition checkpoint: the next start compares every partition once and records new ones.
   */
  replaceAll(rows: readonly IndexRow[]): void {
    this.#db.transaction(() => {
      this.#db.exec("DELETE FROM runs_index");
      this.#db.exec("DELETE FROM runs_partition_checkpoints");
      for (const row of rows) this.insert(row);
    })();
  }

  /** A page of summaries, newest first. */
  list(query: RunListQuery): RunPage {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit + 1 };
    const eq = (column: "mode" | "tool_id" | "status" | "risk_level") => {
      const value = query[column];
      if (value !== undefined) {
        where.push(`${column} = @${column}`);
        params[column] = value;
      }
    };
    eq("mode");
    eq("tool_id");
    eq("status");
    eq("risk_level");
    if (query.created_from_us !== undefined) {
      where.push("created_us >= @from");
      params.from = query.created_from_us;
    }
    if (query.created_to_us !== undefined) {
      where.push("created_us < @to");
      params.to = query.created_to_us;
    }
    if (query.after) {
      where.push("(created_us < @after_us OR (created_us = @after_us AND run_id < @after_id))");
      params.after_us = query.after.created_us;
      params.after_id = query.after.run_id;
    }
    const sql = `SELECT ${COLUMNS} FROM runs_index ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_us DESC, run_id DESC LIMIT @limit`;
    let statement = this.#lists.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#lists.set(sql, statement);
    }
    const rows = statement.all(params) as IndexRow[];
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    return {
      items: page.map(toSummary),
      next: more && last ? { created_us: last.created_us, run_id: last.run_id } : null,
    };
  }
}

function toSummary(row: IndexRow): RunSummary {
  return {
    run_id: row.run_id,
    created_at_utc: row.created_at_utc,
    schema_version: row.schema_version,
    mode: row.mode,
    tool_id: row.tool_id,
    status: row.status,
    risk_level: row.risk_level,
    feasibility_sha256: row.feasibility_sha256,
  };
}
