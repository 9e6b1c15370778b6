/**
 * Where the kernel keeps API tokens, chosen from the database backend in one place
 * (like a plugin's `storage.ts`): on SQLite the `auth_tokens` table of the service's
 * database (migrations/sqlite/, applied by the kernel's runner with the plugins'
 * migrations), reached through the raw connection once the database is open. A
 * backend without a token store in this build gets one that holds no token — every
 * API token is refused as unknown (401) while JWTs from an identity provider still
 * work — and whose writes fail with a message naming the backend, so `rmos tokens`
 * says why instead of pretending.
 */
import type { DatabaseKind } from "../../contracts/ports/database.js";
import type { Database } from "../../contracts/ports/database.js";
import type { TokenStore } from "../../contracts/ports/token_store.js";
import { sqliteConnectionOf } from "../db/sqlite.js";
import { builtOnFirstUse } from "../plugin_api/storage.js";
import { SqliteTokenStore, TOKEN_MIGRATIONS_OWNER, TOKEN_MIGRATIONS_SQLITE } from "./sqlite_token_store.js";

/** The token store's migration folder for `kind`, as the kernel's runner takes it (none for a backend without a store). */
export function tokenMigrationsFor(kind: DatabaseKind): Array<{ plugin: string; dir: URL }> {
  return kind === "sqlite" ? [{ plugin: TOKEN_MIGRATIONS_OWNER, dir: TOKEN_MIGRATIONS_SQLITE }] : [];
}

/** Raised by a write to the token store of a backend that has none in this build. */
export class NoTokenStoreError extends Error {
  override readonly name = "NoTokenStoreError";
}

/** The token store on `database` (built on first use, after the database is opened). */
export function tokenStoreFor(database: Database): TokenStore {
  if (database.kind === "sqlite") {
    return builtOnFirstUse(() => new SqliteTokenStore(sqliteConnectionOf(database)));
  }
  const refuse = async (): Promise<never> => {
    throw new NoTokenStoreError(
      `API tokens are not stored on a ${database.kind} database in this build: use RMOS_DATABASE_URL=sqlite:<file>, or OIDC (RMOS_AUTH_JWKS_URL)`,
    );
  };
  return { find: async () => undefined, insert: refuse, list: refuse, revoke: refuse };
}
