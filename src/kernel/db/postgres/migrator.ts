/**
 * The PostgreSQL migration runner (`rmos db migrate`, run as the database owner).
 *
 * Sources: the kernel's own migrations (this folder's `migrations/`), then each
 * plugin's `src/plugins/<p>/migrations/postgres/NNNN_name.sql`, in order. Every applied
 * migration is recorded in `rmos_migrations` with the SHA-256 of its file; a changed,
 * vanished or out-of-order file is refused before anything is applied (drift). The
 * whole run holds a session-level `pg_advisory_lock`, so of two migrators started at
 * once (two instances booting, two operators) one applies and the other, once it gets
 * the lock, finds everything applied: each migration runs exactly once. Each migration
 * and its record commit in one transaction. After the migrations every audit-trail
 * table gets its insert-only trigger, and with `appRole` the role is granted exactly
 * what the table policies allow (see app_role_grants.ts).
 */
import type pg from "pg";
import {
  type AppliedMigration,
  type Migration,
  type MigrationStatus,
  assertNoDrift,
  loadMigrations,
} from "../migrations.js";
import { grantAppRole } from "./app_role_grants.js";
import { installInsertOnlyGuards } from "./insert_only_guard.js";
import { compareMigrations } from "./migration_status.js";

/** The advisory-lock key of migrations (any constant; one per database). */
export const MIGRATION_LOCK_KEY = 7_232_104_712;

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

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS rmos_migrations (
  plugin TEXT NOT NULL,
  id TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (plugin, id)
)`;

async function appliedRows(client: pg.ClientBase): Promise<AppliedMigration[]> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('rmos_migrations')::text AS t");
  if (exists.rows[0]?.t == null) return [];
  const { rows } = await client.query<{ plugin: string; id: string; checksum: string; applied_at: Date }>(
    "SELECT plugin, id, checksum, applied_at FROM rmos_migrations ORDER BY plugin, id",
  );
  return rows.map((r) => ({
    plugin: r.plugin,
    id: r.id,
    checksum: r.checksum,
    applied_at: r.applied_at.toISOString(),
  }));
}

/** Compares the files with what the database has applied (read-only: the app role may run it). */
export async function postgresMigrationStatus(
  pool: pg.Pool,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const client = await pool.connect();
  try {
    return compareMigrations(await appliedRows(client), migrations);
  } finally {
    client.release();
  }
}

/**
 * Applies every pending migration under the migration lock, guards the audit-trail
 * tables, and grants `appRole` when given. Throws MigrationDriftError (nothing applied)
 * when files and database disagree.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly Migration[],
  options: { appRole?: string | undefined; onApplied?: (m: Migration) => void } = {},
): Promise<MigrateReport> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const status = compareMigrations(await appliedRows(client), migrations);
      assertNoDrift(status);
      const applied: Migration[] = [];
      for (const migration of status.pending) {
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO rmos_migrations (plugin, id, checksum) VALUES ($1, $2, $3)", [
            migration.plugin,
            migration.id,
            migration.checksum,
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`migration ${migration.plugin}/${migration.id} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        applied.push(migration);
        options.onApplied?.(migration);
      }
      await client.query("BEGIN");
      try {
        const guarded = await installInsertOnlyGuards(client);
        if (options.appRole !== undefined) await grantAppRole(client, options.appRole);
        await client.query("COMMIT");
        return { applied, guarded, appRole: options.appRole };
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    // A connection whose state is uncertain after an error is not returned to the pool.
    client.release(broken);
  }
}
