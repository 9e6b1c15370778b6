/**
 * The attachments plugin's run verifier: for `GET /runs/{id}/verify` and `rmos verify`,
 * one check per attachment the run references, re-hashing its blob against its name
 * and the recorded size. A check's detail starts with the reason — ok, missing,
 * truncated, altered — and names the file.
 */
import type { BlobStore } from "../../contracts/ports/blob_store.js";
import type { StoredRun } from "../../contracts/ports/run_store.js";
import type { RunCheck, RunVerifier } from "../../contracts/ports/run_verifiers.js";
import { attachmentRefsOf } from "./service.js";

/** The verifier; `blobs` is resolved on each use, so that another backend can be bound later. */
export function attachmentsRunVerifier(blobs: () => BlobStore): RunVerifier {
  return {
    name: "attachments",
    async verify(run: StoredRun): Promise<RunCheck[]> {
      const store = blobs();
      const checks: RunCheck[] = [];
      const raw = Array.isArray(run.artifact.attachments) ? run.artifact.attachments : [];
      if (raw.length !== attachmentRefsOf(run.artifact).length) {
        checks.push({ name: "attachments", ok: false, detail: "some attachment references have no sha256" });
      }
      for (const ref of attachmentRefsOf(run.artifact)) {
        const size = typeof ref.size_bytes === "number" ? ref.size_bytes : undefined;
        const check = await store.verify(ref.sha256, size);
        checks.push({
          name: `attachment:${ref.sha256}`,
          ok: check.ok,
          detail: `${check.reason}: ${ref.filename ?? "(no filename)"} (${ref.kind ?? "?"}, ${ref.mime ?? "?"}, ${size ?? "?"} bytes)${check.detail ? ` — ${check.detail}` : ""}`,
        });
      }
      return checks;
    },
  };
}
