/**
 * The advisory plugin's storage, chosen in this one place from the configured
 * database backend: with the embedded (SQLite) backend, the write-once files of
 * FileAdvisoryStore under the data directory. A backend without an advisory store
 * here is refused when the kernel is built.
 */
import type { DatabaseKind } from "../../contracts/ports/database.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { noStoreFor } from "../../kernel/plugin_api/storage.js";
import { FileAdvisoryStore } from "./file_store.js";

/** The advisory store for `backend`; `open` scans it, `close` releases it. */
export function advisoryStorage(backend: DatabaseKind, config: AppConfig, logger: Logger): FileAdvisoryStore {
  switch (backend) {
    case "sqlite":
      return new FileAdvisoryStore({ dataDir: config.dataDir, logger });
    case "postgres":
      throw noStoreFor("advisory", backend);
  }
}
