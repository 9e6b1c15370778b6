/**
 * The schema-migrations plugin: stored artifacts evolve without a written byte
 * changing. It provides the MIGRATION_REGISTRY extension point (other plugins add
 * their steps in their own `register()` and depend on "schema-migrations"), binds the
 * ARTIFACT_UPCASTER the runs plugin applies on reads (lazy migration to the current
 * version), and the SCHEMA_MIGRATOR that materialises migrated records as write-once
 * sidecars beside the originals — behind `GET /schemas/versions`,
 * `POST /schemas/migrate` and `rmos schemas list-versions|migrate`.
 */
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { MIGRATION_REGISTRY, MigrationRegistry } from "../../contracts/ports/migration_registry.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { SCHEMA_MIGRATOR } from "../../contracts/ports/schema_migrator.js";
import type { Plugin } from "../../kernel/plugin.js";
import { schemasCommand } from "./commands.js";
import { registerSchemaRoutes } from "./handlers.js";
import { SchemaMigrationService } from "./service.js";
import { RegistryUpcaster } from "./upcaster.js";

export const schemaMigrationsPlugin: Plugin = {
  name: "schema-migrations",
  dependsOn: ["runs"],
  commands: [schemasCommand],

  register(ctx) {
    const registry = new MigrationRegistry();
    ctx.provide(MIGRATION_REGISTRY, registry);
    ctx.provide(ARTIFACT_UPCASTER, new RegistryUpcaster(registry));
    ctx.provide(SCHEMA_MIGRATOR, new SchemaMigrationService({ registry, store: () => ctx.resolve(RUN_STORE) }));
  },

  routes(registrar, ctx) {
    registerSchemaRoutes(registrar, () => ctx.resolve(SCHEMA_MIGRATOR));
  },
};
