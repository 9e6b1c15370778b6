/**
 * Test support: a migration harness (registry, run store, schema migrator, API reads)
 * over a fresh test kernel, for the contract kit and the plugin's own tests.
 * (This file holds no tests; node --test runs it as an empty test file.)
 */
import { MIGRATION_REGISTRY } from "../../src/contracts/ports/migration_registry.js";
import { RUN_STORE, type StoredArtifact } from "../../src/contracts/ports/run_store.js";
import { SCHEMA_MIGRATOR } from "../../src/contracts/ports/schema_migrator.js";
import type { MigrationHarness } from "../../src/contracts/testing/artifact_migration_contract.js";
import type { Plugin } from "../../src/kernel/plugin_api/plugin.js";
import { runsPlugin } from "../../src/plugins/runs/mod.js";
import { schemaMigrationsPlugin } from "../../src/plugins/schema-migrations/mod.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";
import { demoMigrationsPlugin } from "./demo_migrations.js";

/** The plugins of a kernel with the demo migrations registered. */
export const DEMO_PLUGINS: readonly Plugin[] = [runsPlugin, schemaMigrationsPlugin, demoMigrationsPlugin];

/** A harness over a started test kernel. */
export function harnessOf(t: TestKernel): MigrationHarness {
  return {
    registry: t.kernel.resolve(MIGRATION_REGISTRY),
    store: t.kernel.resolve(RUN_STORE),
    migrator: t.kernel.resolve(SCHEMA_MIGRATOR),
    readRun: async (runId) => {
      const response = await t.request(`runs/${runId}`);
      if (response.status !== 200)
        throw new Error(`GET /runs/${runId} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as StoredArtifact;
    },
    cleanup: () => t.close(),
  };
}

/** A harness over a fresh kernel with `plugins` (default: the demo plugins). */
export async function startHarness(plugins?: readonly Plugin[]): Promise<MigrationHarness> {
  return harnessOf(await startTestKernel({ plugins: plugins ?? DEMO_PLUGINS }));
}
