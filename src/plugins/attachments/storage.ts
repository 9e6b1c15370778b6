/**
 * The attachments plugin's storage, chosen in this one place from the configured
 * database backend: with the embedded (SQLite) backend, the content-addressed files
 * under `<data>/blobs/`. A backend without a blob store here is refused when the
 * kernel is built.
 */
import type { DatabaseKind } from "../../contracts/ports/database.js";
import type { AppConfig, Logger } from "../../kernel/plugin_api/plugin.js";
import { noStoreFor } from "../../kernel/plugin_api/storage.js";
import { EmbeddedBlobStore } from "./embedded_blob_store.js";

/** The blob store for `backend`; `open` clears temp files, `close` releases it. */
export function blobStorage(backend: DatabaseKind, config: AppConfig, logger: Logger): EmbeddedBlobStore {
  switch (backend) {
    case "sqlite":
      return new EmbeddedBlobStore({ dataDir: config.dataDir, logger });
    case "postgres":
      throw noStoreFor("attachments", backend);
  }
}
