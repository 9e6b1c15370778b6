/**
 * The attachments plugin: content-addressed blobs (G-code, toolpath files, images)
 * named by their SHA-256 and referenced by runs. It provides BLOB_STORE (the embedded
 * store under `<data>/blobs/`, whose temp files it clears at start), adds the blob
 * checks to RUN_VERIFIERS, and serves the upload, list, download and verify routes.
 * The runs plugin checks `attachments[]` at create against BLOB_STORE; `rmos verify`
 * re-hashes every blob through it.
 */
import { Counter, type Registry } from "prom-client";
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import type { Plugin } from "../../kernel/plugin.js";
import { EmbeddedBlobStore } from "./embedded_blob_store.js";
import { registerAttachmentsRoutes } from "./handlers.js";
import { AttachmentsService } from "./service.js";
import { attachmentsRunVerifier } from "./verifier.js";

/** Counts uploads by outcome and bytes stored, in the kernel's registry. */
class UploadMetrics {
  readonly uploads: Counter<"result">;
  readonly bytes: Counter;
  constructor(registry: Registry) {
    this.uploads = new Counter({
      name: "rmos_attachment_uploads_total",
      help: "Accepted attachment uploads: created (new blob) or existing (already stored)",
      labelNames: ["result"] as const,
      registers: [registry],
    });
    this.bytes = new Counter({
      name: "rmos_attachment_stored_bytes_total",
      help: "Bytes of newly stored blobs",
      registers: [registry],
    });
  }
}

export const attachmentsPlugin: Plugin = {
  name: "attachments",
  dependsOn: ["runs"],

  register(ctx) {
    const store = new EmbeddedBlobStore({ dataDir: ctx.config.dataDir, logger: ctx.logger });
    ctx.provide(BLOB_STORE, store);
    ctx.container.register(EmbeddedBlobStore, { useValue: store });
    ctx.container.register(UploadMetrics, { useValue: new UploadMetrics(ctx.metrics) });
    ctx.resolve(RUN_VERIFIERS).add(attachmentsRunVerifier(() => ctx.resolve(BLOB_STORE)));
  },

  routes(registrar, ctx) {
    let service: AttachmentsService | undefined; // one per kernel, made on first request (after onReady)
    registerAttachmentsRoutes(registrar, () => {
      if (!service) {
        const metrics = ctx.container.resolve(UploadMetrics);
        service = new AttachmentsService({
          blobs: ctx.resolve(BLOB_STORE),
          runs: ctx.resolve(RUN_STORE),
          maxBytes: ctx.config.maxAttachmentBytes,
          onUpload: ({ created, sizeBytes }) => {
            metrics.uploads.inc({ result: created ? "created" : "existing" });
            if (created) metrics.bytes.inc(sizeBytes);
          },
        });
      }
      return service;
    });
  },

  async onReady(ctx) {
    await ctx.container.resolve(EmbeddedBlobStore).open();
  },

  async onClose(ctx) {
    await ctx.resolve(BLOB_STORE).close();
  },
};
