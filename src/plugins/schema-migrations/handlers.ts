/**
 * The schema-migrations handlers: thin — take the validated input, call the schema
 * migrator, map its errors to problems (unknown target version → 422, unknown run →
 * 404) and answer JSON.
 */
import { notFound, ProblemError } from "../../contracts/problem.js";
import {
  type SchemaMigrator,
  UnknownRunError,
  UnknownTargetVersionError,
} from "../../contracts/ports/schema_migrator.js";
import { principalOf } from "../../kernel/plugin_api/auth.js";
import type { RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import { getSchemaVersionsRoute, migrateSchemasRoute } from "./routes.js";

/** Registers the schema-migrations routes with their handlers. */
export function registerSchemaRoutes(r: RouteRegistrar, migrator: SchemaMigrator): void {
  r.openapi(getSchemaVersionsRoute, async (c) => c.json(await migrator.versions(), 200));

  r.openapi(migrateSchemasRoute, async (c) => {
    const body =
      (c.req.valid("json") as { target_version?: string; dry_run?: boolean; run_id?: string } | undefined) ?? {};
    try {
      const report = await migrator.migrate({
        targetVersion: body.target_version,
        dryRun: body.dry_run,
        runId: body.run_id,
        operator: principalOf(c).id,
      });
      return c.json(report, 200);
    } catch (error) {
      if (error instanceof UnknownTargetVersionError) {
        throw new ProblemError(422, error.message, {
          slug: "unknown-schema-version",
          errors: [{ location: "body", pointer: "/target_version", message: error.message, code: "unknown_version" }],
          extensions: { known: error.known },
        });
      }
      if (error instanceof UnknownRunError) throw notFound("run", error.runId);
      throw error;
    }
  });
}
