/**
 * The runs plugin's storage, chosen in this one place from the configured database:
 * on SQLite the embedded run store (date-partitioned artifact files plus the SQLite
 * index, opened and reconciled at start) and the SQLite idempotency store. A backend
 * without stores here is refused when the kernel is built.
 */
import type { Database } from "../../contracts/ports/database.js";
import type { IdempotencyStore } from "../../contracts/ports/idempotency_store.js";
import type { RunStore } from "../../contracts/ports/run_store.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { builtOnFirstUse, noStoreFor, sqliteConnectionOf } from "../../kernel/plugin_api/storage.js";
import { EmbeddedRunStore } from "./embedded_store.js";
import { SqliteIdempotencyStore } from "./sqlite_idempotency_store.js";

/** The runs plugin's stores and their lifecycle. */
export interface RunsStorage {
  readonly runs: RunStore;
  readonly idempotency: IdempotencyStore;
  /** Opens the stores (the database is open and migrated). */
  open(): Promise<void>;
  close(): Promise<void>;
}

/** The stores for `db`'s backend. */
export function runsStorage(db: Database, config: AppConfig, logger: Logger): RunsStorage {
  switch (db.kind) {
    case "sqlite": {
      const runs = new EmbeddedRunStore({ dataDir: config.dataDir, cacheBytes: config.cacheBytes, logger });
      return {
        runs,
        idempotency: builtOnFirstUse(() => new SqliteIdempotencyStore(sqliteConnectionOf(db))),
        open: async () => {
          await runs.open(sqliteConnectionOf(db));
        },
        close: () => runs.close(),
      };
    }
    case "postgres":
      throw noStoreFor("runs", db.kind);
  }
}
