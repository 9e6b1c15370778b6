/**
 * PostgreSQL behind the backend-neutral `Database` port: one `pg` connection pool per
 * instance (made by `open()`, ended by `close()`), statements with the port's `?`
 * placeholders rewritten to PostgreSQL's `$1, $2, …` (a `?` inside a string literal,
 * a quoted identifier or a comment is left alone), and `transaction` on one pooled
 * client for its whole length (`BEGIN` … `COMMIT`, `ROLLBACK` when the work throws; a
 * client whose rollback failed is discarded rather than returned to the pool). The
 * pool's `application_name` (`rmos/<random>`) names the instance to the others. Stores
 * that need more than the port (streams of blob chunks, multi-statement work) get the
 * pool through `postgresPoolOf`.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Database, SqlExecutor, SqlValue } from "../../../contracts/ports/database.js";
import type { Logger } from "../../logger.js";
import { openPostgresPool } from "./pool.js";
import { inClientTransaction } from "./client_transaction.js";

/** Rewrites the port's `?` placeholders to `$n`, outside literals, quoted names and comments. */
export function toPositional(sql: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "?") {
      n += 1;
      out += `$${n}`;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The port's values as `pg` binds them: bytes as Buffers, bigints as decimal text. */
function bindable(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => {
    if (p instanceof Uint8Array && !Buffer.isBuffer(p)) return Buffer.from(p.buffer, p.byteOffset, p.byteLength);
    if (typeof p === "bigint") return p.toString();
    return p;
  });
}

/** Something `pg` runs queries on: a pool or one checked-out client. */
type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

function executorOf(target: () => Queryable): SqlExecutor {
  return {
    async query<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      const result = await (target() as pg.Pool).query(toPositional(sql), bindable(params));
      return result.rows as R[];
    },
    async exec(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
      if (params === undefined) {
        // A script: the simple-query protocol runs several statements and answers one
        // result per statement.
        const result = (await (target() as pg.Pool).query(sql)) as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return { changes: last?.rowCount ?? 0 };
      }
      const result = await (target() as pg.Pool).query(toPositional(sql), bindable(params));
      return { changes: result.rowCount ?? 0 };
    },
  };
}

/** Options of a {@link PostgresDatabase}. */
export interface PostgresDatabaseOptions {
  /** Most connections of this instance's pool (default 10). */
  readonly maxConnections?: number;
  /**
   * The pool's `application_name` (default `rmos/<16 hex>`, fresh per database
   * handle): it names this instance to the others (see the idempotency store).
   */
  readonly applicationName?: string;
  readonly logger?: Logger;
}

/** The PostgreSQL database of one instance: a `Database` over its own pool. */
export class PostgresDatabase implements Database {
  readonly kind = "postgres" as const;
  readonly url: string | undefined;
  readonly #options: PostgresDatabaseOptions;
  #pool: pg.Pool | undefined;
  readonly #direct = executorOf(() => this.pool);

  /** `url` undefined: a database over a lent pool (see `onPool`). */
  constructor(url: string | undefined, options: PostgresDatabaseOptions = {}) {
    this.url = url;
    this.#options = options;
  }

  /** A database over a pool the caller owns and ends (tests, `rmos db` commands). */
  static onPool(pool: pg.Pool): PostgresDatabase {
    const database = new PostgresDatabase(undefined);
    database.#pool = pool;
    return database;
  }

  /** Makes the pool (idempotent; nothing connects until the first statement). */
  open(): void {
    if (this.#pool) return;
    if (this.url === undefined) throw new Error("a PostgreSQL database over a lent pool cannot be reopened");
    this.#pool = openPostgresPool(this.url, {
      max: this.#options.maxConnections ?? 10,
      applicationName: this.#options.applicationName ?? `rmos/${randomBytes(8).toString("hex")}`,
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
    });
  }

  get isOpen(): boolean {
    return this.#pool !== undefined;
  }

  /** The pool; throws before `open()`. */
  get pool(): pg.Pool {
    if (!this.#pool) throw new Error("the database is not open yet");
    return this.#pool;
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.#direct.query<R>(sql, params);
  }

  exec(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#direct.exec(sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return inClientTransaction(this.pool, (client) => work(executorOf(() => client)));
  }

  /** Ends the pool when this database made it (idempotent); a lent pool stays open. */
  async close(): Promise<void> {
    const pool = this.#pool;
    if (this.url === undefined) return;
    this.#pool = undefined;
    await pool?.end();
  }
}

/** The pool of a PostgreSQL database, for stores that stream or need more than the port. */
export function postgresPoolOf(database: Database): pg.Pool {
  if (!(database instanceof PostgresDatabase)) {
    throw new Error(`a PostgreSQL pool was asked of a ${database.kind} database`);
  }
  return database.pool;
}
