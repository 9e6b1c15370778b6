/**
 * The PostgreSQL specifics of migrating (`rmos db migrate`, run as the database owner),
 * on top of the one backend-neutral runner of ../migrations.ts (checksums, drift
 * refusal, the record table, each migration in its own transaction under the
 * migration lock — a transaction-scoped advisory lock on PostgreSQL — so that two
 * migrators at once apply each migration exactly once).
 *
 * What is PostgreSQL's own: the kernel's migrations (this folder's `migrations/`: the
 * table-policy registry and the insert-only trigger function) come before every
 * plugin's; after the migrations every audit-trail table and partition gets its
 * insert-only trigger, and with `appRole` the role is granted exactly what the table
 * policies allow (see app_role_grants.ts) — both in one transaction under the same lock.
 */
import type { Database } from "../../../contracts/ports/database.js";
import { type Migration, applyMigrations, loadMigrations, lockMigrations } from "../migrations.js";
import { grantAppRole } from "./app_role_grants.js";
import { installInsertOnlyGuards } from "./insert_only_guard.js";

/** The kernel's own migration source; it is applied before every plugin's. */
export const KERNEL_MIGRATIONS = { plugin: "kernel", dir: new URL("./migrations/", import.meta.url) } as const;

/** A plugin's PostgreSQL migration folder: `<plugin folder>/migrations/postgres/`. */
export function postgresMigrationsOf(plugin: string, pluginFolder: URL): { plugin: string; dir: URL } {
  return { plugin, dir: new URL("migrations/postgres/", pluginFolder) };
}

/** Reads the kernel's and the given plugins' migration files, kernel first. */
export function loadPostgresMigrations(sources: ReadonlyArray<{ plugin: string; dir: URL }>): Migration[] {
  return loadMigrations([KERNEL_MIGRATIONS, ...sources.filter((s) => s.plugin !== "kernel")]);
}

/** What a migrate run did. */
export interface MigrateReport {
  readonly applied: Migration[];
  /** Tables and partitions carrying the insert-only trigger. */
  readonly guarded: string[];
  readonly appRole: string | undefined;
}

/**
 * Applies every pending migration (the shared runner), then guards the audit-trail
 * tables and grants `appRole` when given. Throws MigrationDriftError (nothing applied)
 * when files and database disagree, TablePolicyError when a table has no policy.
 */
export async function migratePostgres(
  database: Database,
  migrations: readonly Migration[],
  options: { appRole?: string | undefined; onApplied?: (m: Migration) => void } = {},
): Promise<MigrateReport> {
  if (database.kind !== "postgres") throw new Error(`migratePostgres was given a ${database.kind} database`);
  const applied = await applyMigrations(database, migrations, options.onApplied);
  const guarded = await database.transaction(async (tx) => {
    await lockMigrations(database, tx);
    const done = await installInsertOnlyGuards(tx);
    if (options.appRole !== undefined) await grantAppRole(tx, options.appRole);
    return done;
  });
  return { applied, guarded, appRole: options.appRole };
}
