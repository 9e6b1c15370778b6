/**
 * The attachments plugin's storage, chosen in this one place from the configured
 * database: with the embedded (SQLite) backend, the content-addressed files under
 * `<data>/blobs/`; with PostgreSQL, the chunked blob tables shared by every instance
 * (built on first use, once the kernel has opened and migrated the database).
 */
import type { BlobStore } from "../../contracts/ports/blob_store.js";
import type { Database } from "../../contracts/ports/database.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { builtOnFirstUse, postgresPoolOf } from "../../kernel/plugin_api/storage.js";
import { EmbeddedBlobStore } from "./embedded_blob_store.js";
import { PostgresBlobStore } from "./postgres_blob_store.js";

/** The blob store and its lifecycle. */
export interface BlobStorage {
  readonly store: BlobStore;
  /** Opens the store (the database is open and migrated): clears temp files on disk. */
  open(): Promise<void>;
  close(): Promise<void>;
}

/** The blob store for `db`'s backend. */
export function blobStorage(db: Database, config: AppConfig, logger: Logger): BlobStorage {
  switch (db.kind) {
    case "sqlite": {
      const store = new EmbeddedBlobStore({ dataDir: config.dataDir, logger });
      return { store, open: () => store.open(), close: () => store.close() };
    }
    case "postgres": {
      const store = builtOnFirstUse(() => new PostgresBlobStore(postgresPoolOf(db)));
      return { store, open: async () => {}, close: () => store.close() };
    }
  }
}
