/**
 * The workflow-sessions plugin's storage, chosen in this one place from the configured
 * database: on SQLite, SqliteSessionStore on the raw connection, appending each event's
 * transparency-log leaf in the event's own transaction when the log is loaded; on
 * PostgreSQL, PostgresSessionStore on the instance's pool (If-Match as one conditional
 * UPDATE, so a race across instances has one winner; each event's leaf in the event's
 * transaction when the log is loaded). Both are built on first use, once
 * the kernel has opened and migrated the database.
 */
import type { Database } from "../../contracts/ports/database.js";
import type { SessionStore } from "../../contracts/ports/session_store.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { builtOnFirstUse, postgresPoolOf, sqliteConnectionOf } from "../../kernel/plugin_api/storage.js";
import { PostgresSessionStore } from "./postgres_session_store.js";
import { SqliteSessionStore } from "./sqlite_session_store.js";

/** The session store for `db`'s backend; each event's leaf goes to `log` in the event's transaction. */
export function sessionStorage(db: Database, log?: TransparencyLog): SessionStore {
  switch (db.kind) {
    case "sqlite":
      return builtOnFirstUse(() => new SqliteSessionStore(sqliteConnectionOf(db), log));
    case "postgres":
      return builtOnFirstUse(() => new PostgresSessionStore(postgresPoolOf(db), log));
  }
}
