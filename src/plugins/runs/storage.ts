/**
 * The runs plugin's storage, chosen in this one place from the configured database:
 * on SQLite the embedded run store (date-partitioned artifact files plus the SQLite
 * index, opened and reconciled at start; each run's log leaf in its index row's
 * transaction when the transparency log is loaded) and the SQLite idempotency store; on
 * PostgreSQL the partitioned artifact tables and the shared idempotency reservations
 * (built on first use, once the kernel has opened and migrated the database), so that
 * every instance on the database answers the same; with the log loaded, each run's
 * leaf is appended in its create's transaction there too.
 */
import type { Database } from "../../contracts/ports/database.js";
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import type { IdempotencyStore } from "../../contracts/ports/idempotency_store.js";
import type { RunStore } from "../../contracts/ports/run_store.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { builtOnFirstUse, postgresPoolOf, sqliteConnectionOf } from "../../kernel/plugin_api/storage.js";
import { EmbeddedRunStore } from "./embedded_store.js";
import { PostgresIdempotencyStore } from "./postgres_idempotency_store.js";
import { PostgresRunStore } from "./postgres_run_store.js";
import { SqliteIdempotencyStore } from "./sqlite_idempotency_store.js";
import type { StoredRunCache } from "./stored_run_cache.js";

/** The runs plugin's stores and their lifecycle. */
export interface RunsStorage {
  readonly runs: RunStore;
  readonly idempotency: IdempotencyStore;
  /** Every stored run and advisory link as stored now, for `rmos verify`'s log reconciliation. */
  logDigests?(): AsyncIterable<RecordDigest>;
  /** The cache of stored runs' bytes, for the `rmos_run_cache_*` gauges. */
  cache(): StoredRunCache;
  /** Opens the stores (the database is open and migrated). */
  open(): Promise<void>;
  close(): Promise<void>;
}

/** The stores for `db`'s backend. */
export function runsStorage(db: Database, config: AppConfig, logger: Logger, log?: TransparencyLog): RunsStorage {
  switch (db.kind) {
    case "sqlite": {
      const runs = new EmbeddedRunStore({ dataDir: config.dataDir, cacheBytes: config.cacheBytes, logger, log });
      return {
        runs,
        cache: () => runs.cache,
        logDigests: () => runs.logDigests(),
        idempotency: builtOnFirstUse(() => new SqliteIdempotencyStore(sqliteConnectionOf(db))),
        open: async () => {
          await runs.open(sqliteConnectionOf(db));
        },
        close: () => runs.close(),
      };
    }
    case "postgres": {
      const store = builtOnFirstUse(
        () => new PostgresRunStore(postgresPoolOf(db), { cacheBytes: config.cacheBytes, log }),
      );
      const runs: RunStore = store;
      return {
        runs,
        cache: () => store.cache,
        ...(log ? { logDigests: () => store.logDigests() } : {}),
        idempotency: builtOnFirstUse(() => new PostgresIdempotencyStore(postgresPoolOf(db))),
        open: async () => {},
        close: () => runs.close(),
      };
    }
  }
}
