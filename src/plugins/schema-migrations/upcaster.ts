/**
 * The read-path upcaster (lazy migration): what GET /runs/{id} and the runs verifier
 * use to answer an artifact stored in an older schema version in the current one.
 *
 * The answer is always computed from the original record through the registry (the
 * materialised sidecar, if any, is the written proof, not the source), then validated
 * against the current schema; so a read never depends on whether `rmos schemas
 * migrate` ran, and it equals the materialised record without its new
 * `migration_history` entries. A read writes nothing, so it adds no history entry, and
 * its ETag is stable. Results are remembered per stored object (a WeakMap over the run
 * store's cached artifacts), so a hot run is not re-migrated on every read. An artifact
 * that cannot be brought to the current version is a server-side problem (500,
 * `schema-upcast-failed`) whose detail names the versions and the reason.
 */
import { RunArtifactSchema } from "../../contracts/artifact.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { MigrationRegistry } from "../../contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";
import { ProblemError } from "../../contracts/problem.js";

export class RegistryUpcaster implements ArtifactUpcaster {
  readonly #cache = new WeakMap<StoredArtifact, StoredArtifact>();

  constructor(private readonly registry: MigrationRegistry) {}

  /** The artifact in the current version; throws a 500 ProblemError when it cannot be brought there. */
  toCurrent(artifact: StoredArtifact): StoredArtifact {
    const current = this.registry.current;
    if (artifact.schema_version === current) return artifact;
    const cached = this.#cache.get(artifact);
    if (cached) return cached;
    const fail = (reason: string) =>
      new ProblemError(
        500,
        `run ${artifact.run_id} is stored in schema version ${String(artifact.schema_version)} and cannot be answered in ${current}: ${reason}`,
        { slug: "schema-upcast-failed" },
      );
    let upcast: StoredArtifact;
    try {
      upcast = this.registry.migrate(artifact, current).artifact;
    } catch (error) {
      throw fail((error as Error).message);
    }
    const parsed = RunArtifactSchema.safeParse(upcast);
    if (!parsed.success) {
      throw fail(
        `the migrated artifact does not validate: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    this.#cache.set(artifact, upcast);
    return upcast;
  }
}
