/**
 * Test support: the PostgreSQL migration sources of every plugin that has them, and a
 * fresh, migrated test database (see postgres_server.ts for where the server comes
 * from). The service wires the same sources through its plugins; tests name them here.
 */
import { TOKEN_MIGRATIONS_POSTGRES } from "../kernel/auth/postgres_token_store.js";
import { TOKEN_MIGRATIONS_OWNER } from "../kernel/auth/sqlite_token_store.js";
import type { Migration } from "../kernel/db/migrations.js";
import {
  type MigrateReport,
  loadPostgresMigrations,
  migratePostgres,
  postgresMigrationsOf,
} from "../kernel/db/postgres/migrator.js";
import { PostgresDatabase } from "../kernel/db/postgres/database.js";
import { openPostgresPool } from "../kernel/db/postgres/pool.js";
import { type TestDatabase, testDatabase, withUser } from "./postgres_server.js";

/** The PostgreSQL migration sources of the kernel's token store and of the plugins, in the kernel's order. */
export const POSTGRES_MIGRATION_SOURCES = [
  { plugin: TOKEN_MIGRATIONS_OWNER, dir: TOKEN_MIGRATIONS_POSTGRES },
  postgresMigrationsOf("runs", new URL("../plugins/runs/", import.meta.url)),
  postgresMigrationsOf("attachments", new URL("../plugins/attachments/", import.meta.url)),
  postgresMigrationsOf("advisory", new URL("../plugins/advisory/", import.meta.url)),
  postgresMigrationsOf("workflow-sessions", new URL("../plugins/workflow-sessions/", import.meta.url)),
  postgresMigrationsOf("transparency-log", new URL("../plugins/transparency-log/", import.meta.url)),
] as const;

/** Every PostgreSQL migration of the kernel and the plugins. */
export function allPostgresMigrations(): Migration[] {
  return loadPostgresMigrations(POSTGRES_MIGRATION_SOURCES);
}

/** A fresh test database, migrated (as its superuser owner), and the migrate report. */
export async function migratedTestDatabase(
  options: { durable?: boolean; appRole?: string } = {},
): Promise<TestDatabase & { report: MigrateReport }> {
  const db = await testDatabase(options);
  const pool = openPostgresPool(db.url, { max: 1 });
  try {
    const report = await migratePostgres(PostgresDatabase.onPool(pool), allPostgresMigrations(), {
      appRole: options.appRole,
    });
    return Object.assign(db, { report });
  } catch (error) {
    await db.drop();
    throw error;
  } finally {
    await pool.end();
  }
}

/** A test database owned by a non-superuser owner role, with an app role that may log in. */
export interface RolesTestDatabase extends TestDatabase {
  readonly owner: string;
  readonly appRole: string;
}

/** A migrated {@link RolesTestDatabase}, the app role granted. */
export interface RoleTestDatabase extends RolesTestDatabase {
  readonly report: MigrateReport;
}

/**
 * A fresh, empty database as production has it before `rmos db migrate`: owned by an
 * ordinary role (no superuser), and an app role without any grant yet.
 */
export async function testDatabaseWithRoles(options: { durable?: boolean } = {}): Promise<RolesTestDatabase> {
  const db = await testDatabase(options);
  try {
    const owner = db.uniqueName("rmos_owner");
    const appRole = db.uniqueName("rmos_app");
    const admin = openPostgresPool(db.url, { max: 1 });
    try {
      await admin.query(`CREATE ROLE ${owner} LOGIN`);
      await admin.query(`CREATE ROLE ${appRole} LOGIN`);
      await admin.query(`ALTER DATABASE ${db.name} OWNER TO ${owner}`);
      await admin.query(`ALTER SCHEMA public OWNER TO ${owner}`);
    } finally {
      await admin.end();
    }
    return Object.assign(db, { owner, appRole });
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/**
 * A fresh database as production runs it: owned by an ordinary role (no superuser),
 * migrated by that owner with `--app-role`, so that pools opened as `appRole` hold
 * only the service's privileges.
 */
export async function migratedTestDatabaseWithRoles(options: { durable?: boolean } = {}): Promise<RoleTestDatabase> {
  const db = await testDatabaseWithRoles(options);
  try {
    const asOwner = openPostgresPool(withUser(db.url, db.owner), { max: 1 });
    try {
      const report = await migratePostgres(PostgresDatabase.onPool(asOwner), allPostgresMigrations(), {
        appRole: db.appRole,
      });
      return Object.assign(db, { report });
    } finally {
      await asOwner.end();
    }
  } catch (error) {
    await db.drop();
    throw error;
  }
}
