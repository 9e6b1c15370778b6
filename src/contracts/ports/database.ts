/**
 * The database port: the SQL database the kernel opens for the plugins, backend-neutral.
 *
 * Embedded installations use one SQLite file under the data directory; scale-out ones
 * PostgreSQL. A plugin sees only this handle: its `kind`, asynchronous `query` and
 * `exec` with `?` placeholders, and `transaction`. Each plugin picks its store
 * implementation from `kind` in one place (its `storage.ts`); an embedded store that
 * needs the raw better-sqlite3 connection for speed gets it through the one
 * backend-specific accessor of the plugin API (`sqliteConnectionOf`). Plugins ship
 * their schema as ordered `.sql` files per backend (`migrations/sqlite/`,
 * `migrations/postgres/`), applied by the kernel's migration runner.
 */
import { token } from "../token.js";

/** The database backends. */
export type DatabaseKind = "sqlite" | "postgres";

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** Runs SQL statements: the database itself, or one open transaction. */
export interface SqlExecutor {
  /** Rows of a query; `?` placeholders are bound to `params` in order. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /**
   * Runs a statement (with `params`) or, without params, a script of several
   * statements; answers the rows changed by the last one.
   */
  exec(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

/** The database the kernel opened, as the plugins see it. */
export interface Database extends SqlExecutor {
  readonly kind: DatabaseKind;
  /**
   * Runs `work` in one transaction that holds the database's write lock from its
   * start (SQLite `BEGIN IMMEDIATE`): commits when it resolves, rolls back when it
   * throws. Statements issued on the handle meanwhile wait for it.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export const DATABASE = token<Database>("Database");
