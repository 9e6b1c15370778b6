/**
 * Where the kernel keeps API tokens, chosen from the database backend in one place
 * (like a plugin's `storage.ts`): on SQLite the `auth_tokens` table of the service's
 * database (migrations/sqlite/), reached through the raw connection once the database
 * is open; on PostgreSQL the `auth_tokens` table shared by every instance
 * (migrations/postgres/, applied by `rmos db migrate` as the owner; the app role may
 * insert and revoke, never delete). Both are migrated by the kernel's runner with the
 * plugins' migrations, under the owner name `auth`.
 */
import type { DatabaseKind } from "../../contracts/ports/database.js";
import type { Database } from "../../contracts/ports/database.js";
import type { TokenStore } from "../../contracts/ports/token_store.js";
import { sqliteConnectionOf } from "../db/sqlite.js";
import { builtOnFirstUse } from "../plugin_api/storage.js";
import { postgresPoolOf } from "../db/postgres/database.js";
import { PostgresTokenStore, TOKEN_MIGRATIONS_POSTGRES } from "./postgres_token_store.js";
import { SqliteTokenStore, TOKEN_MIGRATIONS_OWNER, TOKEN_MIGRATIONS_SQLITE } from "./sqlite_token_store.js";

/** The token store's migration folder for `kind`, as the kernel's runner takes it. */
export function tokenMigrationsFor(kind: DatabaseKind): Array<{ plugin: string; dir: URL }> {
  return [
    { plugin: TOKEN_MIGRATIONS_OWNER, dir: kind === "sqlite" ? TOKEN_MIGRATIONS_SQLITE : TOKEN_MIGRATIONS_POSTGRES },
  ];
}

/** The token store on `database` (built on first use, after the database is opened). */
export function tokenStoreFor(database: Database): TokenStore {
  switch (database.kind) {
    case "sqlite":
      return builtOnFirstUse(() => new SqliteTokenStore(sqliteConnectionOf(database)));
    case "postgres":
      return builtOnFirstUse(() => new PostgresTokenStore(postgresPoolOf(database)));
  }
}
