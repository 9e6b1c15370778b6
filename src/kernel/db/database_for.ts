/**
 * Choosing the database backend from RMOS_DATABASE_URL: the one place the kernel maps
 * a URL to a `Database` implementation. The handle it answers is made without I/O and
 * opened by the kernel's `start`; `sqlite:<file>` is the embedded backend,
 * `postgres://…` (or `postgresql://…`) PostgreSQL with one connection pool per instance
 * (RMOS_PG_POOL_MAX connections).
 */
import type { Database } from "../../contracts/ports/database.js";
import { type AppConfig, ConfigError } from "../config.js";
import { PostgresDatabase } from "./postgres/database.js";
import { isPostgresUrl } from "./postgres/pool.js";
import { SqliteDatabase, sqliteFileOf } from "./sqlite.js";

/** A database as the kernel holds it: the plugins' port plus open and close. */
export interface KernelDatabase extends Database {
  /** Opens the connection (idempotent). */
  open(): void | Promise<void>;
  /** Closes the connection (idempotent). */
  close(): void | Promise<void>;
  readonly isOpen: boolean;
}

/** The database of `config` (not opened yet); refuses a backend this build lacks. */
export function databaseFor(config: AppConfig): KernelDatabase {
  const url = config.databaseUrl;
  if (url.startsWith("sqlite:")) return new SqliteDatabase(sqliteFileOf(url));
  if (isPostgresUrl(url)) return new PostgresDatabase(url, { maxConnections: config.pgPoolMax });
  throw new ConfigError(`RMOS_DATABASE_URL ${url.split("@").pop()}: not a sqlite:<file> or postgres:// URL`);
}
