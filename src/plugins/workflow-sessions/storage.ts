/**
 * The workflow-sessions plugin's storage, chosen in this one place from the configured
 * database: on SQLite, SqliteSessionStore on the raw connection; on PostgreSQL,
 * PostgresSessionStore on the instance's pool (If-Match as one conditional UPDATE, so
 * a race across instances has one winner). Both are built on first use, once the
 * kernel has opened and migrated the database.
 */
import type { Database } from "../../contracts/ports/database.js";
import type { SessionStore } from "../../contracts/ports/session_store.js";
import { builtOnFirstUse, postgresPoolOf, sqliteConnectionOf } from "../../kernel/plugin_api/storage.js";
import { PostgresSessionStore } from "./postgres_session_store.js";
import { SqliteSessionStore } from "./sqlite_session_store.js";

/** The session store for `db`'s backend. */
export function sessionStorage(db: Database): SessionStore {
  switch (db.kind) {
    case "sqlite":
      return builtOnFirstUse(() => new SqliteSessionStore(sqliteConnectionOf(db)));
    case "postgres":
      return builtOnFirstUse(() => new PostgresSessionStore(postgresPoolOf(db)));
  }
}
