/**
 * The workflow-sessions plugin's storage, chosen in this one place from the configured
 * database: on SQLite, SqliteSessionStore on the raw connection (built on first use,
 * once the kernel has opened and migrated the database). A backend without a session
 * store here is refused when the kernel is built.
 */
import type { Database } from "../../contracts/ports/database.js";
import type { SessionStore } from "../../contracts/ports/session_store.js";
import { builtOnFirstUse, noStoreFor, sqliteConnectionOf } from "../../kernel/plugin_api/storage.js";
import { SqliteSessionStore } from "./sqlite_session_store.js";

/** The session store for `db`'s backend. */
export function sessionStorage(db: Database): SessionStore {
  switch (db.kind) {
    case "sqlite":
      return builtOnFirstUse(() => new SqliteSessionStore(sqliteConnectionOf(db)));
    case "postgres":
      throw noStoreFor("workflow-sessions", db.kind);
  }
}
