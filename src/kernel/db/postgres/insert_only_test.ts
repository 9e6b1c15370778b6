/**
 * Insert-only, enforced by the database: on a database migrated by an ordinary owner
 * role with `--app-role`, every audit-trail table (and partition) refuses UPDATE,
 * DELETE and TRUNCATE — as the app role by permission (42501), as the owner by the
 * trigger (23001) — while the app role can do what the service needs and no more.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { makeArtifact } from "../../../contracts/testing/artifacts.js";
import { PostgresRunStore } from "../../../plugins/runs/postgres_run_store.js";
import {
  type RoleTestDatabase,
  allPostgresMigrations,
  migratedTestDatabaseWithRoles,
} from "../../../testing/postgres_schema.js";
import { migrationStatus } from "../migrations.js";
import { PostgresDatabase } from "./database.js";
import { migratePostgres } from "./migrator.js";

const PERMISSION_DENIED = "42501";
const REFUSED_BY_TRIGGER = "23001";

async function refused(pool: pg.Pool, sql: string, code: string, what: string): Promise<void> {
  await assert.rejects(pool.query(sql), (error: { code?: string; message: string }) => {
    assert.equal(error.code, code, `${what}: ${error.message}`);
    if (code === REFUSED_BY_TRIGGER) assert.match(error.message, /audit-trail records are insert-only/);
    return true;
  });
}

describe("insert-only audit trail in PostgreSQL", () => {
  let db: RoleTestDatabase;
  let app: pg.Pool;
  let owner: pg.Pool;
  let auditTables: string[];
  let partition: string;

  before(async () => {
    db = await migratedTestDatabaseWithRoles();
    app = db.pool({ user: db.appRole });
    owner = db.pool({ user: db.owner });
    // A real row in the audit trail, written as the service writes it (as the app role).
    await new PostgresRunStore(app).create(makeArtifact({ at: Date.UTC(2031, 4, 6) }));
    const { rows } = await owner.query<{ table_name: string }>(
      "SELECT table_name FROM rmos_table_policies WHERE policy = 'audit_trail' ORDER BY 1",
    );
    auditTables = rows.map((r) => r.table_name);
    partition = "runs_artifacts_2031_05";
  });
  after(() => db.drop());

  test("the migration registered the audit-trail tables the SPEC names", () => {
    for (const table of [
      "runs_artifacts",
      "runs_index",
      "runs_sidecars",
      "attachments_blobs",
      "attachments_blob_chunks",
      "advisory_assets",
      "advisory_review_events",
      "workflow_session_events",
      "workflow_session_runs",
    ]) {
      assert.ok(auditTables.includes(table), table);
    }
    assert.ok(!db.report.guarded.includes(partition), "the partition was created after migrate, by the store");
  });

  test("as the app role: UPDATE, DELETE and TRUNCATE on every audit-trail table are permission denied", async () => {
    for (const table of [...auditTables, partition]) {
      await refused(
        app,
        `UPDATE ${table} SET ${await firstColumn(owner, table)} = ${await firstColumn(owner, table)}`,
        PERMISSION_DENIED,
        `UPDATE ${table}`,
      );
      await refused(app, `DELETE FROM ${table}`, PERMISSION_DENIED, `DELETE ${table}`);
      await refused(app, `TRUNCATE ${table} CASCADE`, PERMISSION_DENIED, `TRUNCATE ${table}`);
    }
  });

  test("as the owner: the trigger refuses UPDATE, DELETE and TRUNCATE, on tables and on a partition created later", async () => {
    for (const table of [...auditTables, partition]) {
      const column = await firstColumn(owner, table);
      await refused(owner, `UPDATE ${table} SET ${column} = ${column}`, REFUSED_BY_TRIGGER, `UPDATE ${table}`);
      await refused(owner, `DELETE FROM ${table}`, REFUSED_BY_TRIGGER, `DELETE ${table}`);
      await refused(owner, `TRUNCATE ${table} CASCADE`, REFUSED_BY_TRIGGER, `TRUNCATE ${table}`);
    }
    const { rows } = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM runs_artifacts");
    assert.equal(rows[0]?.n, 1, "the stored run is still there");
  });

  test("as the app role: mutable state takes UPDATE but never DELETE; no DDL; no direct partition access", async () => {
    await app.query(
      "INSERT INTO workflow_sessions VALUES ('wfs_1', 'w', 'DRAFT', '{}', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    );
    await app.query("UPDATE workflow_sessions SET version = 2 WHERE session_id = 'wfs_1'");
    await app.query(
      "INSERT INTO runs_idempotency_keys (idem_key, request_sha256, run_id, state, owner) VALUES ('k', 'h', 'r', 'in_flight', 'o')",
    );
    await app.query("UPDATE runs_idempotency_keys SET state = 'done' WHERE idem_key = 'k'");
    await refused(app, "DELETE FROM workflow_sessions", PERMISSION_DENIED, "DELETE sessions");
    await refused(app, "DELETE FROM runs_idempotency_keys", PERMISSION_DENIED, "DELETE idempotency");
    await refused(app, "CREATE TABLE sneaky (x int)", PERMISSION_DENIED, "CREATE TABLE");
    await refused(app, "DROP TABLE runs_index", PERMISSION_DENIED, "DROP TABLE");
    await refused(app, `SELECT * FROM ${partition}`, PERMISSION_DENIED, "partition read");
    await refused(
      app,
      "INSERT INTO rmos_migrations (plugin, id, checksum) VALUES ('x', 'y', 'z')",
      PERMISSION_DENIED,
      "migrations",
    );
    await refused(app, "ALTER TABLE runs_index DISABLE TRIGGER rmos_insert_only", "42501", "disable the guard");
  });

  test("the app role can read the migration status (RMOS_AUTO_MIGRATE=false) but cannot migrate", async () => {
    const status = await migrationStatus(PostgresDatabase.onPool(app), allPostgresMigrations());
    assert.deepEqual([status.pending, status.drifted, status.missing, status.outOfOrder], [[], [], [], []]);
    assert.equal(status.applied.length, allPostgresMigrations().length);
    await assert.rejects(
      migratePostgres(PostgresDatabase.onPool(app), allPostgresMigrations()),
      /permission denied|must be owner/,
    );
  });
});

async function firstColumn(pool: pg.Pool, table: string): Promise<string> {
  const { rows } = await pool.query<{ attname: string }>(
    "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum = 1",
    [table],
  );
  return rows[0]?.attname as string;
}
