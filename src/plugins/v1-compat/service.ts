/**
 * What the v1-compat routes answer, without HTTP types. A run imported from v1 is
 * answered in the legacy shape with the exact bytes v1 stored for it (read from the
 * runs.json backup and checked against `provenance.v1_record_sha256`), so an old client
 * gets what v1 gave it, `1.0` and all. A run the service created, or an imported one
 * whose original bytes cannot be read (then logged), is mapped back to the legacy shape
 * from its current-version artifact. The legacy `PATCH /runs/{id}/meta` is gone:
 * artifacts are write-once, and later context is added as advisories.
 */
import { CURRENT_SCHEMA_VERSION } from "../../contracts/artifact.js";
import { JCS_SHA256, sha256Hex } from "../../contracts/hashing.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { RunStore } from "../../contracts/ports/run_store.js";
import { notFound, ProblemError } from "../../contracts/problem.js";
import { API_BASE } from "../../kernel/plugin_api/routes.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { toLegacyShape } from "./legacy_shape.js";
import { v1ProvenanceOf } from "./provenance.js";
import { type V1Backups, V1RecordUnavailableError } from "./v1_backups.js";

export interface LegacyRunsDeps {
  readonly store: RunStore;
  readonly backups: V1Backups;
  readonly upcaster: () => ArtifactUpcaster | undefined;
  readonly logger?: Logger | undefined;
}

/** A legacy answer: the JSON bytes, and whether they are v1's own or mapped back. */
export interface LegacyAnswer {
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly source: "v1-record" | "mapped";
  /** How its request_hash was computed. */
  readonly hashMethod: string;
}

export class LegacyRunsService {
  constructor(private readonly deps: LegacyRunsDeps) {}

  /** The run in the legacy v1 shape; 404 when it does not exist. */
  async legacy(runId: string): Promise<LegacyAnswer> {
    const stored = await this.deps.store.get(runId);
    if (!stored) throw notFound("run", runId);
    const provenance = v1ProvenanceOf(stored.artifact);
    if (provenance?.v1_record_location && provenance.v1_record_sha256) {
      try {
        const bytes = await this.deps.backups.readRecord(provenance.v1_record_location, provenance.v1_record_sha256);
        return { bytes, sha256: provenance.v1_record_sha256, source: "v1-record", hashMethod: provenance.hash_method };
      } catch (error) {
        if (!(error instanceof V1RecordUnavailableError)) throw error;
        this.deps.logger?.error(
          { run_id: runId, err: error },
          "the original v1 record of an imported run cannot be read: answering the mapped-back shape",
        );
      }
    }
    let artifact = stored.artifact;
    if (artifact.schema_version !== CURRENT_SCHEMA_VERSION)
      artifact = this.deps.upcaster()?.toCurrent(artifact) ?? artifact;
    const bytes = Buffer.from(JSON.stringify(toLegacyShape(artifact)), "utf8");
    const method = (stored.artifact.provenance as { hash_method?: unknown } | undefined)?.hash_method;
    return {
      bytes,
      sha256: sha256Hex(bytes),
      source: "mapped",
      hashMethod: typeof method === "string" ? method : JCS_SHA256,
    };
  }

  /** The answer to the legacy `PATCH /runs/{id}/meta`: always a 410 for a run that exists. */
  async patchMeta(runId: string): Promise<never> {
    if (!(await this.deps.store.has(runId))) throw notFound("run", runId);
    const advisories = `${API_BASE}/runs/${runId}/attach-advisory`;
    throw new ProblemError(
      410,
      `run artifacts are immutable: PATCH /runs/${runId}/meta is gone and the run's meta can no longer be changed. Add later context (notes, reviews, explanations) as an advisory: create it with POST ${API_BASE}/advisories, then link it with POST ${advisories}.`,
      {
        slug: "immutable-artifact",
        title: "Artifacts are immutable",
        extensions: { run_id: runId, advisories_endpoint: advisories },
        headers: { Link: `<${advisories}>; rel="alternate"` },
      },
    );
  }
}
