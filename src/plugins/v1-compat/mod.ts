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
import { MIGRATION_REGISTRY } from "../../contracts/ports/migration_registry.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import type { Plugin } from "../../kernel/plugin.js";
import { v1Command } from "./commands.js";
import { registerV1Routes } from "./handlers.js";
import { LegacyRunsService } from "./service.js";
import { V1Backups } from "./v1_backups.js";
import { v1Migration } from "./v1_migration.js";
import { v1RunVerifier } from "./verifier.js";

export const v1CompatPlugin: Plugin = {
  name: "v1-compat",
  dependsOn: ["runs", "schema-migrations", "attachments"],
  commands: [v1Command],

  register(ctx) {
    ctx.resolve(MIGRATION_REGISTRY).register(v1Migration);
    ctx.resolve(RUN_VERIFIERS).add(v1RunVerifier(new V1Backups(ctx.config.dataDir)));
  },

  routes(registrar, ctx) {
    let service: LegacyRunsService | undefined; // one per kernel, made on first request (after onReady)
    registerV1Routes(registrar, () => {
      service ??= new LegacyRunsService({
        store: () => ctx.resolve(RUN_STORE),
        backups: new V1Backups(ctx.config.dataDir),
        upcaster: () => ctx.resolveOptional(ARTIFACT_UPCASTER),
        logger: ctx.logger,
      });
      return service;
    });
  },
};
