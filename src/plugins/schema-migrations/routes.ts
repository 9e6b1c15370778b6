/**
 * The schema-migrations plugin's route definitions (createRoute only):
 * `GET /schemas/versions` and `POST /schemas/migrate`, with their bodies and every
 * status code, as they appear in openapi.json.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { RunIdSchema } from "../../contracts/artifact.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import { SCHEMA_VERSION_PATTERN } from "../../contracts/ports/migration_registry.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "schema-migrations";

export const SchemaVersionSchema = z
  .string()
  .max(60)
  .regex(SCHEMA_VERSION_PATTERN, "must be a schema version such as 2.0.0")
  .openapi("SchemaVersion", { example: "2.0.0" });

export const SchemaVersionsSchema = z
  .object({
    current: z.string().openapi({ description: "The version the service writes and every read answers in." }),
    known: z.array(z.string()).openapi({
      description:
        "Every version (or family, e.g. 1.x) a registered migration reads or writes, and the current one, ascending.",
    }),
    distribution: z.record(z.string(), z.number().int().nonnegative()).openapi({
      description:
        "Stored schema_version → number of runs stored in it (originals; materialised records are not counted).",
    }),
    migrations: z
      .array(z.object({ from: z.string(), to: z.string(), description: z.string() }).openapi("SchemaMigrationStep"))
      .openapi({ description: "The registered migration steps, in registration order." }),
  })
  .openapi("SchemaVersions");

export const MigrateRequestSchema = z
  .object({
    target_version: SchemaVersionSchema.optional().openapi({ description: "Default: the current version." }),
    dry_run: z.boolean().optional().openapi({ description: "Plan and report; write nothing. Default false." }),
    run_id: RunIdSchema.optional().openapi({ description: "Only this run. Default: every stored run." }),
  })
  .strict()
  .openapi("SchemaMigrateRequest");

export const MigrationReportSchema = z
  .object({
    dry_run: z.boolean(),
    target_version: z.string(),
    total: z.number().int().openapi({ description: "Runs looked at." }),
    migrated: z.number().int().openapi({ description: "Records written by this call (0 in a dry run)." }),
    would_migrate: z.number().int().openapi({ description: "Records this call writes, or in a dry run would write." }),
    already_current: z.number().int().openapi({ description: "Runs stored in the target version: nothing to do." }),
    already_migrated: z
      .number()
      .int()
      .openapi({ description: "Runs whose record for the target version exists: nothing to do." }),
    failed: z
      .array(z.object({ run_id: z.string(), error: z.string() }).openapi("SchemaMigrationFailure"))
      .openapi({ description: "Runs that could not be migrated, each with its reason; the others went on." }),
  })
  .openapi("SchemaMigrationReport");

export const getSchemaVersionsRoute = createRoute({
  method: "get",
  path: "/schemas/versions",
  operationId: "getSchemaVersions",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "The current schema version, the known versions, and how many runs are stored in each",
  description:
    "current is the version new artifacts are written in; known lists every version the service can read (older ones are migrated on read); distribution counts the stored runs by the version they were written in.",
  responses: { 200: jsonContent(SchemaVersionsSchema, "the versions report") },
});

export const migrateSchemasRoute = createRoute({
  method: "post",
  path: "/schemas/migrate",
  operationId: "migrateSchemas",
  ...operationRoles(ROLES_FOR.admin),
  tags: [TAG],
  summary: "Materialise stored artifacts in a schema version, as new write-once records",
  description:
    "For every stored run (or one, with run_id) not stored in the target version, writes the migrated artifact with its migration_history as a new write-once record beside the original (`<run_id>_schema_<version>.json`); the original's bytes never change. A re-run writes nothing (already_migrated). With dry_run, writes nothing and reports what it would do. Runs that cannot be migrated are listed in failed[] with their reason. An empty body means the defaults.",
  request: {
    body: { required: false, content: { "application/json": { schema: MigrateRequestSchema } } },
  },
  responses: {
    200: jsonContent(MigrationReportSchema, "the report"),
    ...problemResponses(400, 404, 422),
  },
});
