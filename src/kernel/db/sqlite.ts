/**
 * The embedded SQLite database behind the backend-neutral `Database` port.
 *
 * The handle is made without I/O (so that `openapi.json` needs no data directory) and
 * opened by the kernel's `start`. WAL mode with `synchronous=NORMAL`: a commit survives
 * a process crash (kill -9) — the WAL is in the OS page cache — and readers never block
 * the writer. The index it holds is derived from the artifact files (which are
 * fsynced), so a commit lost to a power failure is rebuilt at the next start; see
 * docs/operations.md. Statements through the port are serialised behind an open
 * `transaction`, which holds SQLite's write lock (`BEGIN IMMEDIATE`) from its start.
 */
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import type { Database, SqlExecutor, SqlValue } from "../../contracts/ports/database.js";

/**
 * Switches to WAL mode. When another process opens the same new file at the same
 * moment, the switch can fail at once with SQLITE_BUSY (SQLite does not call the busy
 * handler for that lock), so it is retried, briefly, until `timeoutMs`.
 */
function enableWal(db: Sqlite.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 + Math.floor(Math.random() * 20));
    }
  }
}

/** WAL pages (4 KiB) written before an automatic checkpoint. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Opens (creating if needed) the SQLite file at `file`, with the service's pragmas. */
export function openSqliteConnection(file: string): Sqlite.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Sqlite(file);
  db.pragma("busy_timeout = 10000");
  enableWal(db, 10_000);
  db.pragma("synchronous = NORMAL");
  // Checkpoint after ~40 MB of WAL instead of SQLite's ~4 MB: index rows land at random
  // places in seven B-trees, so a transaction dirties hundreds of pages and the default
  // checkpointed every few commits, copying (and fsyncing) the same pages again and
  // again. Measured (100 000 rows, random keys): 120 → 73 µs a row in batches of 70,
  // 135 → 87 µs in batches of 5. The WAL file is truncated back to 64 MB at most.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  db.pragma("foreign_keys = ON");
  return db;
}

/** better-sqlite3 binds booleans as 0/1 only when told; the port accepts them. */
function bindable(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
}

/** Runs statements on one connection (used for the handle and for an open transaction). */
function executorOf(connection: () => Sqlite.Database): SqlExecutor {
  return {
    async query<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      return connection()
        .prepare(sql)
        .all(...bindable(params)) as R[];
    },
    async exec(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
      const db = connection();
      if (params === undefined) {
        const before = db.prepare("SELECT total_changes() AS n").get() as { n: number };
        db.exec(sql);
        const after = db.prepare("SELECT total_changes() AS n").get() as { n: number };
        return { changes: after.n - before.n };
      }
      return { changes: db.prepare(sql).run(...bindable(params)).changes };
    },
  };
}

/** The embedded database: a `Database` whose connection is opened by `open()`. */
export class SqliteDatabase implements Database {
  readonly kind = "sqlite" as const;
  readonly file: string;
  #connection: Sqlite.Database | undefined;
  /** The end of the last transaction: statements and transactions wait for it. */
  #lock: Promise<unknown> = Promise.resolve();
  readonly #direct = executorOf(() => this.connection);

  constructor(file: string) {
    this.file = file;
  }

  /** Opens the file (idempotent). */
  open(): void {
    this.#connection ??= openSqliteConnection(this.file);
  }

  get isOpen(): boolean {
    return this.#connection !== undefined;
  }

  /** The raw better-sqlite3 connection; throws before `open()`. */
  get connection(): Sqlite.Database {
    if (!this.#connection) throw new Error("the database is not open yet");
    return this.#connection;
  }

  async query<R = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    await this.#lock;
    return this.#direct.query<R>(sql, params);
  }

  async exec(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    await this.#lock;
    return this.#direct.exec(sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const db = this.connection;
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this.#direct);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    };
    const result = this.#lock.then(run, run);
    this.#lock = result.catch(() => undefined);
    return result;
  }

  /** Closes the connection (idempotent). */
  close(): void {
    this.#connection?.close();
    this.#connection = undefined;
  }
}

/** The raw connection of an embedded database, for stores that need better-sqlite3's speed. */
export function sqliteConnectionOf(database: Database): Sqlite.Database {
  if (!(database instanceof SqliteDatabase)) {
    throw new Error(`a SQLite connection was asked of a ${database.kind} database`);
  }
  return database.connection;
}

/** Opens (creating if needed) the SQLite database at `file`. */
export function openSqlite(file: string): SqliteDatabase {
  const database = new SqliteDatabase(file);
  database.open();
  return database;
}

/** The file of a `sqlite:<file>` URL. */
export function sqliteFileOf(url: string): string {
  return path.resolve(url.replace(/^sqlite:/, ""));
}
