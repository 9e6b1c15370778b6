/**
 * The attachments plugin: content-addressed blobs (G-code, toolpath files, images)
 * named by their SHA-256 and referenced by runs. It provides BLOB_STORE (chosen by its
 * `storage.ts`; temp files are cleared at start), adds the blob checks to
 * RUN_VERIFIERS, and serves the upload, list, download and verify routes. The runs
 * plugin checks `attachments[]` at create against BLOB_STORE; `rmos verify` re-hashes
 * every blob through it.
 */
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import { DATABASE } from "../../contracts/ports/database.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import { bind, definePlugin } from "../../kernel/plugin_api/plugin.js";
import { registerAttachmentsRoutes } from "./handlers.js";
import { UploadMetrics } from "./metrics.js";
import { AttachmentsService } from "./service.js";
import { blobStorage } from "./storage.js";
import { attachmentsRunVerifier } from "./verifier.js";

export const attachmentsPlugin = definePlugin({
  name: "attachments",
  // Files under the data directory on the embedded backend; tables on PostgreSQL.
  migrations: { sqlite: null, postgres: new URL("./migrations/postgres/", import.meta.url) },
  provides: [BLOB_STORE],
  consumes: { db: DATABASE, runs: RUN_STORE, verifiers: RUN_VERIFIERS },

  init({ db, runs, verifiers }, ctx) {
    const storage = blobStorage(db, ctx.config, ctx.logger);
    const blobs = storage.store;
    const metrics = new UploadMetrics(ctx.metrics);
    verifiers.add(attachmentsRunVerifier(() => blobs));
    const service = new AttachmentsService({
      blobs,
      runs,
      maxBytes: ctx.config.maxAttachmentBytes,
      onUpload: (upload) => metrics.record(upload),
    });
    return {
      provide: [bind(BLOB_STORE, blobs)],
      routes: (r) => registerAttachmentsRoutes(r, service),
      start: () => storage.open(),
      close: () => storage.close(),
    };
  },
});
