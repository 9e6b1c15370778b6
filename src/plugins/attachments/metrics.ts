/**
 * The attachments plugin's metrics: uploads by outcome and bytes newly stored, in the
 * kernel's Prometheus registry.
 */
import { Counter, type Registry } from "prom-client";

/** Counts uploads by outcome and bytes stored. */
export class UploadMetrics {
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

  /** Records one accepted upload. */
  record(upload: { created: boolean; sizeBytes: number }): void {
    this.uploads.inc({ result: upload.created ? "created" : "existing" });
    if (upload.created) this.bytes.inc(upload.sizeBytes);
  }
}
