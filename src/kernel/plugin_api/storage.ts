/**
 * The storage toolkit the kernel offers plugin stores, in one import: durable
 * write-once files (fsynced file and directory, temp names cleared at start), grouped
 * fsyncs and grouped SQLite commits, the backend-specific accessors (the raw
 * better-sqlite3 connection of the embedded database, the `pg` pool of a PostgreSQL
 * one, one transaction on a client of that pool, and whether a key can be stored in a
 * PostgreSQL text column), and the refusal a plugin's
 * `storage.ts` gives for a backend it has no store for yet. The implementations stay
 * in src/kernel/fs and src/kernel/db; plugins import them only from here.
 */
import type { DatabaseKind } from "../../contracts/ports/database.js";

export { GroupCommit } from "../db/group_commit.js";
export { AsyncGroupCommit, type ItemOutcome } from "../db/async_group_commit.js";
export { inClientTransaction } from "../db/postgres/client_transaction.js";
export { keysetRows } from "../db/postgres/keyset_rows.js";
export { postgresPoolOf } from "../db/postgres/database.js";
export { isStorableKey } from "../db/postgres/text_keys.js";
export { sqliteConnectionOf } from "../db/sqlite.js";
export {
  ensureDirDurable,
  linkOnceDurable,
  fsyncDir,
  removeTempFiles,
  TEMP_PREFIX,
  tempNameFor,
  writeOnceDurable,
} from "../fs/durable_files.js";
export { GroupSync } from "../fs/group_sync.js";

/** Raised by a plugin's storage choice when it has no store for the configured backend. */
export class StorageBackendError extends Error {
  override readonly name = "StorageBackendError";
}

/** The refusal of plugin `plugin` for a `backend` database it has no store for. */
export function noStoreFor(plugin: string, backend: DatabaseKind): StorageBackendError {
  return new StorageBackendError(
    `plugin "${plugin}" has no store for a ${backend} database in this build; use RMOS_DATABASE_URL=sqlite:<file>`,
  );
}

/**
 * A stand-in for a store that can only be built once the database is open: `build`
 * runs on the first property read (a request or a command, after `start`), and every
 * read after that goes to the built store.
 */
export function builtOnFirstUse<T extends object>(build: () => T): T {
  let built: T | undefined;
  const target = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get(_stub, property) {
      const store = target();
      const value = Reflect.get(store, property, store) as unknown;
      return typeof value === "function" ? value.bind(store) : value;
    },
  });
}
