/**
 * The PostgreSQL migration runner on a real server: it applies every migration once
 * and records its checksum, a second run applies nothing, two migrators racing on two
 * pools apply each migration exactly once, an edited or vanished applied file is
 * refused with nothing applied, and a table without a policy is refused.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { allPostgresMigrations, POSTGRES_MIGRATION_SOURCES } from "../../../testing/postgres_schema.js";
import { testDatabase } from "../../../testing/postgres_server.js";
import { MigrationDriftError, migrationStatus } from "../migrations.js";
import { TablePolicyError } from "./insert_only_guard.js";
import { PostgresDatabase } from "./database.js";
import { loadPostgresMigrations, migratePostgres } from "./migrator.js";

/** A plugin folder of its own with the given migration files. */
function pluginWith(files: Record<string, string>): { plugin: string; dir: URL; folder: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-pg-migrations-"));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), sql);
  return { plugin: "probe", dir: pathToFileURL(`${folder}/`), folder };
}

const COUNTER = {
  "0001_counter.sql":
    "CREATE TABLE probe_applied (id TEXT NOT NULL); INSERT INTO rmos_table_policies VALUES ('probe_applied', 'audit_trail'); INSERT INTO probe_applied VALUES ('0001');",
  "0002_more.sql": "SELECT pg_sleep(0.2); INSERT INTO probe_applied VALUES ('0002');",
  "0003_more.sql": "INSERT INTO probe_applied VALUES ('0003');",
};

test("migrate applies every migration once with its checksum; a second run applies nothing", async () => {
  const db = await testDatabase();
  try {
    const pool = db.pool();
    const all = allPostgresMigrations();
    assert.equal(all[0]?.plugin, "kernel", "the kernel's migrations come first");
    const first = await migratePostgres(PostgresDatabase.onPool(pool), all);
    assert.equal(first.applied.length, all.length);
    const { rows } = await pool.query<{ plugin: string; id: string; checksum: string }>(
      "SELECT plugin, id, checksum FROM rmos_migrations ORDER BY plugin, id",
    );
    assert.deepEqual(
      rows,
      all
        .map((m) => ({ plugin: m.plugin, id: m.id, checksum: m.checksum }))
        .sort((a, b) => (a.plugin + a.id < b.plugin + b.id ? -1 : 1)),
    );
    assert.deepEqual((await migratePostgres(PostgresDatabase.onPool(pool), all)).applied, []);
    const status = await migrationStatus(PostgresDatabase.onPool(pool), all);
    assert.deepEqual([status.pending, status.drifted, status.missing], [[], [], []]);
  } finally {
    await db.drop();
  }
});

test("two migrators racing on two pools apply each migration exactly once", async () => {
  const db = await testDatabase();
  const probe = pluginWith(COUNTER);
  try {
    const migrations = loadPostgresMigrations([...POSTGRES_MIGRATION_SOURCES, probe]);
    const [a, b] = await Promise.all([
      migratePostgres(PostgresDatabase.onPool(db.pool({ max: 1 })), migrations),
      migratePostgres(PostgresDatabase.onPool(db.pool({ max: 1 })), migrations),
    ]);
    const applied = [...a.applied, ...b.applied].map((m) => `${m.plugin}/${m.id}`).sort();
    assert.deepEqual(applied, migrations.map((m) => `${m.plugin}/${m.id}`).sort(), "each once, between them");
    const { rows } = await db.pool().query<{ id: string }>("SELECT id FROM probe_applied ORDER BY id");
    assert.deepEqual(
      rows.map((r) => r.id),
      ["0001", "0002", "0003"],
    );
  } finally {
    await db.drop();
    fs.rmSync(probe.folder, { recursive: true, force: true });
  }
});

test("an edited or vanished applied migration is refused, and nothing pending is applied meanwhile", async () => {
  const db = await testDatabase();
  const probe = pluginWith({ "0001_counter.sql": COUNTER["0001_counter.sql"] });
  try {
    const pool = db.pool();
    await migratePostgres(PostgresDatabase.onPool(pool), loadPostgresMigrations([probe]));
    fs.writeFileSync(path.join(probe.folder, "0001_counter.sql"), `${COUNTER["0001_counter.sql"]} -- edited`);
    fs.writeFileSync(path.join(probe.folder, "0002_more.sql"), COUNTER["0002_more.sql"]);
    await assert.rejects(
      migratePostgres(PostgresDatabase.onPool(pool), loadPostgresMigrations([probe])),
      (error: Error) => {
        assert.ok(error instanceof MigrationDriftError);
        assert.match(error.message, /probe\/0001_counter: file checksum/);
        return true;
      },
    );
    fs.writeFileSync(path.join(probe.folder, "0001_counter.sql"), COUNTER["0001_counter.sql"]);
    fs.rmSync(path.join(probe.folder, "0001_counter.sql"));
    await assert.rejects(
      migratePostgres(PostgresDatabase.onPool(pool), loadPostgresMigrations([probe])),
      /probe\/0001_counter: applied .* its file is gone/,
    );
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM probe_applied");
    assert.deepEqual(
      rows.map((r) => r.id),
      ["0001"],
      "0002 was not applied",
    );
  } finally {
    await db.drop();
    fs.rmSync(probe.folder, { recursive: true, force: true });
  }
});

test("a table that no migration registered a policy for is refused, and its migration rolled back with the guards", async () => {
  const db = await testDatabase();
  const probe = pluginWith({ "0001_orphan.sql": "CREATE TABLE orphan (x INT);" });
  try {
    const pool = db.pool();
    const role = db.uniqueName("rmos_app");
    await pool.query(`CREATE ROLE ${role}`);
    await assert.rejects(
      migratePostgres(PostgresDatabase.onPool(pool), loadPostgresMigrations([probe]), { appRole: role }),
      (error: Error) => {
        assert.ok(error instanceof TablePolicyError);
        assert.match(error.message, /orphan/);
        return true;
      },
    );
    const grants = await pool.query("SELECT 1 FROM information_schema.role_table_grants WHERE grantee = $1", [role]);
    assert.equal(grants.rowCount, 0, "no grant was made");
  } finally {
    await db.drop();
    fs.rmSync(probe.folder, { recursive: true, force: true });
  }
});
