/**
 * The database port: the SQL database the kernel opens for the plugins.
 *
 * Embedded installations use one SQLite file under the data directory; scale-out ones
 * PostgreSQL. Plugins ship their schema as ordered `.sql` migration files that the
 * kernel's migration runner applies (see src/kernel/db/migrations.ts); the same SQL
 * is written to run on both.
 */
import type BetterSqlite3 from "better-sqlite3";
import { token } from "../token.js";

/** The embedded database. */
export interface SqliteDatabase {
  readonly kind: "sqlite";
  readonly db: BetterSqlite3.Database;
  readonly path: string;
}

export type Database = SqliteDatabase;

export const DATABASE = token<Database>("Database");
