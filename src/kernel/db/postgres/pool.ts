/**
 * A PostgreSQL connection pool from a `postgres://` URL (driver `pg`), one per
 * instance. `bigint` (int8) and `count(*)` values are parsed as JavaScript numbers:
 * every such column of this service (microsecond times, sizes, versions, counts) stays
 * far below 2^53, and a value that would not is refused rather than rounded.
 * Connections run in UTC so that time literals and partition bounds never depend on
 * the server's zone.
 */
import pg from "pg";
import type { Logger } from "../../logger.js";

/** Options of {@link openPostgresPool}. */
export interface PostgresPoolOptions {
  /** Most connections this instance opens (default 10). */
  readonly max?: number;
  /** The application name shown in pg_stat_activity (default "rmos"). */
  readonly applicationName?: string;
  /** Milliseconds a statement may run before the server cancels it (default: no limit). */
  readonly statementTimeoutMs?: number;
  /** Where an idle connection's error (the server dropped it) is logged. */
  readonly logger?: Logger;
}

const URL_SCHEMES = ["postgres:", "postgresql:"];

/** Parses int8 text as a number, refusing one that a double cannot hold exactly. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} does not fit a JavaScript number exactly`);
  return value;
}

const INT8_OID = 20;

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return parseInt8;
    return pg.types.getTypeParser(oid, format ?? "text");
  },
} as pg.CustomTypesConfig;

/** Whether `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  try {
    return URL_SCHEMES.includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Opens a pool on the database of `url` (nothing connects until the first query). */
export function openPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  if (!isPostgresUrl(url)) throw new Error("a PostgreSQL URL starts with postgres:// or postgresql://");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "rmos",
    types,
    options: "-c TimeZone=UTC",
    ...(options.statementTimeoutMs !== undefined ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle connection that the server drops must not crash the process: it is logged,
  // and the next query gets a fresh connection (and its own error if the server is away).
  pool.on("error", (error) => {
    if (options.logger) options.logger.warn({ err: error }, "an idle PostgreSQL connection failed");
    else process.stderr.write(`an idle PostgreSQL connection failed: ${error.message}\n`);
  });
  return pool;
}
