/**
 * The artifact migration contract kit of the schema registry, run on the v1 → 2.0.0
 * step ("1.x" → "2.0.0") in a kernel with every plugin: its examples are valid inputs,
 * run_id and every v1 hash are preserved (at their new place), the transform is pure
 * and every route agrees. (The kit's store checks need examples that carry the v2
 * governance fields; v1 records carry `request_hash`, not `hashes`, so those are
 * skipped by the kit — the importer's own tests cover storing.)
 */
import { MIGRATION_REGISTRY } from "../../src/contracts/ports/migration_registry.js";
import { RUN_STORE, type StoredArtifact } from "../../src/contracts/ports/run_store.js";
import { SCHEMA_MIGRATOR } from "../../src/contracts/ports/schema_migrator.js";
import { artifactMigrationContract } from "../../src/contracts/testing/artifact_migration_contract.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

artifactMigrationContract({ from: "1.x", to: "2.0.0" }, async () => {
  const t = await startTestKernel();
  return {
    registry: t.kernel.resolve(MIGRATION_REGISTRY),
    store: t.kernel.resolve(RUN_STORE),
    migrator: t.kernel.resolve(SCHEMA_MIGRATOR),
    readRun: async (runId: string) => (await (await t.request(`runs/${runId}`)).json()) as StoredArtifact,
    cleanup: () => t.close(),
  };
});
