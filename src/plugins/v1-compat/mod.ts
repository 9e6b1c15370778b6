/**
 * The v1-compat plugin: the legacy single-file store imported with nothing lost, and
 * old clients kept working. It registers the "1.x" → "2.0.0" step in the schema
 * registry (MIGRATION_REGISTRY, so the registry's invariants and contract kit apply to
 * the conversion), adds the verifier of imported runs' v1 hashes to RUN_VERIFIERS,
 * serves `GET /v1/runs/{run_id}` (the legacy shape) and the gone `PATCH
 * /runs/{run_id}/meta` (410), and adds `rmos v1 status|migrate|verify`. Imports write
 * through RUN_STORE and BLOB_STORE; everything of its own lives under
 * `<data>/v1-import/` (backups, records kept aside, start records, reports).
 */
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import { MIGRATION_REGISTRY } from "../../contracts/ports/migration_registry.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import { definePlugin, optional } from "../../kernel/plugin_api/plugin.js";
import { v1Command } from "./commands.js";
import { registerV1Routes } from "./handlers.js";
import { LegacyRunsService } from "./service.js";
import { V1Backups } from "./v1_backups.js";
import { v1Migration } from "./v1_migration.js";
import { v1RunVerifier } from "./verifier.js";

export const v1CompatPlugin = definePlugin({
  name: "v1-compat",
  consumes: {
    runs: RUN_STORE,
    // Imports write blobs (the `rmos v1` command resolves BLOB_STORE once booted).
    blobs: BLOB_STORE,
    registry: MIGRATION_REGISTRY,
    verifiers: RUN_VERIFIERS,
    upcaster: optional(ARTIFACT_UPCASTER),
  },
  commands: [v1Command],

  init({ runs, registry, verifiers, upcaster }, ctx) {
    const backups = new V1Backups(ctx.config.dataDir);
    registry.register(v1Migration);
    verifiers.add(v1RunVerifier(backups));
    const service = new LegacyRunsService({ store: runs, backups, upcaster: () => upcaster, logger: ctx.logger });
    return { routes: (r) => registerV1Routes(r, service) };
  },
});
