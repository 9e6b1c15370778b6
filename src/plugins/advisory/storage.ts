/**
 * The advisory plugin's storage, chosen in this one place from the configured
 * database: with the embedded (SQLite) backend, the write-once files under
 * `<data>/advisories/`; with PostgreSQL, the asset and review-event tables shared by
 * every instance (built on first use, once the kernel has opened and migrated the
 * database).
 */
import type { AdvisoryStore } from "../../contracts/ports/advisory_store.js";
import type { Database } from "../../contracts/ports/database.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { builtOnFirstUse, postgresPoolOf } from "../../kernel/plugin_api/storage.js";
import { FileAdvisoryStore } from "./file_store.js";
import { PostgresAdvisoryStore } from "./postgres_store.js";

/** The advisory store and its lifecycle. */
export interface AdvisoryStorage {
  readonly store: AdvisoryStore;
  /** Opens the store (the database is open and migrated) and answers what it holds. */
  open(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** The advisory store for `db`'s backend. */
export function advisoryStorage(db: Database, config: AppConfig, logger: Logger): AdvisoryStorage {
  switch (db.kind) {
    case "sqlite": {
      const store = new FileAdvisoryStore({ dataDir: config.dataDir, logger });
      return { store, open: () => store.open(), close: () => store.close() };
    }
    case "postgres": {
      const store = builtOnFirstUse(() => new PostgresAdvisoryStore(postgresPoolOf(db)));
      return { store, open: async () => ({ ...(await store.stats()) }), close: () => store.close() };
    }
  }
}
