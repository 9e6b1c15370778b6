/**
 * Recognising a database that refuses writes. PostgreSQL answers SQLSTATE 25006
 * (read_only_sql_transaction) to a write on a standby, or while
 * `default_transaction_read_only` is on (an operator's switch, or a provider's guard
 * when a disk nears full): the write did not happen, and it will succeed once the
 * database accepts writes again. The kernel answers such a write 503 problem+json
 * (`database-read-only`) with `Retry-After` (src/kernel/problems.ts), so a client retries
 * rather than giving up, and `/readyz` reports the state from `SHOW
 * transaction_read_only` (src/kernel/kernel.ts). A full disk (53100) is not this: it is
 * a 507 (src/kernel/fs/storage_full.ts).
 */

/** SQLSTATE 25006, read_only_sql_transaction. */
const READ_ONLY_CODES = new Set(["25006"]);

/** Seconds a client is told to wait before retrying a write the database refused as read-only. */
export const READ_ONLY_RETRY_AFTER_SECONDS = 5;

/** Whether `error` (or an error it wraps, through `cause`) says the database refuses writes. */
export function isDatabaseReadOnly(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && READ_ONLY_CODES.has(code)) return true;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return false;
}
