/**
 * The schema-migrations plugin: stored artifacts evolve without a written byte
 * changing. It provides the MIGRATION_REGISTRY extension point (other plugins consume
 * it and add their steps in their own `init`), the ARTIFACT_UPCASTER the runs plugin
 * applies on reads (lazy migration to the current version), and the SCHEMA_MIGRATOR
 * that materialises migrated records as write-once sidecars beside the originals —
 * behind `GET /schemas/versions`, `POST /schemas/migrate` and
 * `rmos schemas list-versions|migrate`.
 */
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { ArtifactMigrationRegistry } from "../../contracts/artifact_migration_registry.js";
import { MIGRATION_REGISTRY } from "../../contracts/ports/migration_registry.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { SCHEMA_MIGRATOR } from "../../contracts/ports/schema_migrator.js";
import { bind, definePlugin } from "../../kernel/plugin_api/plugin.js";
import { schemasCommand } from "./commands.js";
import { registerSchemaRoutes } from "./handlers.js";
import { SchemaMigrationService } from "./service.js";
import { RegistryUpcaster } from "./upcaster.js";

export const schemaMigrationsPlugin = definePlugin({
  name: "schema-migrations",
  provides: [MIGRATION_REGISTRY, ARTIFACT_UPCASTER, SCHEMA_MIGRATOR],
  consumes: { runs: RUN_STORE },
  commands: [schemasCommand],

  init({ runs }) {
    const registry = new ArtifactMigrationRegistry();
    const migrator = new SchemaMigrationService({ registry, store: runs });
    return {
      provide: [
        bind(MIGRATION_REGISTRY, registry),
        bind(ARTIFACT_UPCASTER, new RegistryUpcaster(registry)),
        bind(SCHEMA_MIGRATOR, migrator),
      ],
      routes: (r) => registerSchemaRoutes(r, migrator),
    };
  },
});
