/**
 * The advisory plugin's storage, chosen in this one place from the configured
 * database: with the embedded (SQLite) backend, the write-once files under
 * `<data>/advisories/`; with PostgreSQL, the asset and review-event tables shared by
 * every instance (built on first use, once the kernel has opened and migrated the
 * database).
 */
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import type { AdvisoryStore } from "../../contracts/ports/advisory_store.js";
import type { Database } from "../../contracts/ports/database.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { builtOnFirstUse, postgresPoolOf } from "../../kernel/plugin_api/storage.js";
import { FileAdvisoryStore } from "./file_store.js";
import { PostgresAdvisoryStore } from "./postgres_store.js";

/** The advisory store and its lifecycle. */
export interface AdvisoryStorage {
  readonly store: AdvisoryStore;
  /** Opens the store (the database is open and migrated) and answers what it holds. */
  open(): Promise<Record<string, number>>;
  /** Appends the log leaves of records stored just before a crash (none on a backend without the log). */
  recoverLeaves(): Promise<{ appended: number; forgotten: number }>;
  /** Every stored asset and review event as stored now, for `rmos verify`'s log reconciliation. */
  logDigests(): AsyncIterable<RecordDigest>;
  close(): Promise<void>;
}

/** The advisory store for `db`'s backend (on SQLite its records' leaves go to `log`). */
export function advisoryStorage(
  db: Database,
  config: AppConfig,
  logger: Logger,
  log?: TransparencyLog,
): AdvisoryStorage {
  switch (db.kind) {
    case "sqlite": {
      const store = new FileAdvisoryStore({ dataDir: config.dataDir, logger, log });
      return {
        store,
        open: () => store.open(),
        recoverLeaves: () => store.recoverLeaves(),
        logDigests: () => store.logDigests(),
        close: () => store.close(),
      };
    }
    case "postgres": {
      // Each record's leaf is appended in its row's transaction: nothing is left to recover at start.
      const store = builtOnFirstUse(() => new PostgresAdvisoryStore(postgresPoolOf(db), log));
      return {
        store,
        open: async () => ({ ...(await store.stats()) }),
        recoverLeaves: async () => ({ appended: 0, forgotten: 0 }),
        logDigests: () => store.logDigests(),
        close: () => store.close(),
      };
    }
  }
}
