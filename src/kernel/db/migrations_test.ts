/**
 * Tests of the SQL migration runner and of what the kernel builds on it. On real
 * SQLite files in temporary folders: pending migrations apply in file order, each
 * recorded with its checksum and time; a second run changes nothing; an edited or
 * removed applied file and a file numbered before an applied one are refused with a
 * MigrationDriftError that says what and how to fix it, before anything is applied;
 * a failing migration rolls back and records nothing; two processes migrating one
 * file at once apply every migration exactly once. Then `/readyz` (503 while a
 * migration is pending, 200 after), the start refusal with auto-migrate off, and the
 * `rmos db status|migrate` commands through the CLI's `main`.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import Sqlite from "better-sqlite3";
import { runNodeScriptOk } from "../../testing/child_script.js";
import { ConfigError, loadConfig } from "../config.js";
import { createKernel, type Kernel } from "../kernel.js";
import { createLogger } from "../logger.js";
import { definePlugin, type Plugin } from "../plugin_api/plugin.js";
import { MigrationDriftError, applyMigrations, loadMigrations, migrationStatus } from "./migrations.js";
import { openSqlite, type SqliteDatabase } from "./sqlite.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-migrations-test-"));
  cleanup.push(dir);
  return dir;
}

/** A migrations folder holding `files`; answers its path. */
function migrationsFolder(files: Record<string, string>): string {
  const dir = path.join(tempDir(), "migrations");
  fs.mkdirSync(dir);
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

const dirUrl = (dir: string) => pathToFileURL(`${dir}/`);
const load = (dir: string, plugin = "test") => loadMigrations([{ plugin, dir: dirUrl(dir) }]);
const openDb = (): SqliteDatabase => openSqlite(path.join(tempDir(), "rmos.db"));

/** Everything a migration run could change: the schema, the records and the data. */
function snapshot(database: SqliteDatabase): unknown {
  const db = database.connection;
  const schema = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all() as Array<{
    type: string;
    name: string;
  }>;
  const tables = schema.filter((s) => s.type === "table").map((s) => s.name);
  return {
    schema,
    data: Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()])),
  };
}

const tableExists = (database: SqliteDatabase, name: string) =>
  database.connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

const recorded = (database: SqliteDatabase) =>
  (database.connection.prepare("SELECT id FROM rmos_migrations ORDER BY id").pluck().all() as string[]).join(",");

describe("loadMigrations", () => {
  test("reads NNNN_name.sql files in numeric order with their SHA-256", () => {
    const dir = migrationsFolder({
      "0002_second.sql": "CREATE TABLE b (x INTEGER);",
      "0001_first.sql": "CREATE TABLE a (x INTEGER);",
      "README.md": "not a migration",
    });
    const migrations = load(dir);
    assert.deepEqual(
      migrations.map((m) => m.id),
      ["0001_first", "0002_second"],
    );
    const first = migrations[0];
    assert.ok(first);
    assert.equal(first.plugin, "test");
    assert.equal(first.checksum, createHash("sha256").update("CREATE TABLE a (x INTEGER);").digest("hex"));
  });

  test("refuses a file not named NNNN_name.sql, and two files with one number", () => {
    assert.throws(
      () => load(migrationsFolder({ "1_init.sql": "SELECT 1;" })),
      /1_init\.sql .* not named NNNN_name\.sql/,
    );
    assert.throws(
      () => load(migrationsFolder({ "0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 1;" })),
      /has two migrations numbered 0001/,
    );
  });
});

describe("applyMigrations", () => {
  test("applies pending migrations in order, each recorded with its checksum and time", async () => {
    const database = openDb();
    const dir = migrationsFolder({
      "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY, qty INTEGER NOT NULL);",
      "0002_seed.sql": "INSERT INTO parts (id, qty) VALUES ('p1', 3);",
    });
    const seen: string[] = [];
    const applied = await applyMigrations(database, load(dir), (m) => seen.push(m.id));
    assert.deepEqual(
      applied.map((m) => m.id),
      ["0001_create", "0002_seed"],
    );
    assert.deepEqual(seen, ["0001_create", "0002_seed"]);
    const rows = database.connection
      .prepare("SELECT plugin, id, checksum, applied_at FROM rmos_migrations ORDER BY id")
      .all() as Array<{
      plugin: string;
      id: string;
      checksum: string;
      applied_at: string;
    }>;
    assert.deepEqual(
      rows.map((r) => [r.plugin, r.id, r.checksum]),
      load(dir).map((m) => ["test", m.id, m.checksum]),
    );
    for (const r of rows) assert.match(r.applied_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(database.connection.prepare("SELECT id, qty FROM parts").all(), [{ id: "p1", qty: 3 }]);
    database.connection.close();
  });

  test("applied twice → no change", async () => {
    const database = openDb();
    const dir = migrationsFolder({
      "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY, qty INTEGER NOT NULL);",
      "0002_seed.sql": "INSERT INTO parts (id, qty) VALUES ('p1', 3);",
      "0003_index.sql": "CREATE INDEX parts_qty ON parts (qty);",
    });
    assert.equal((await applyMigrations(database, load(dir))).length, 3);
    const before = snapshot(database);
    assert.deepEqual(await applyMigrations(database, load(dir)), []);
    assert.deepEqual(snapshot(database), before);
    const status = await migrationStatus(database, load(dir));
    assert.equal(status.applied.length, 3);
    assert.deepEqual(status.pending, []);
    database.connection.close();
  });

  test("a CRLF checkout of an applied migration is not drift", async () => {
    const database = openDb();
    const sql = "CREATE TABLE parts (\n  id TEXT PRIMARY KEY\n);\n";
    const dir = migrationsFolder({ "0001_create.sql": sql });
    await applyMigrations(database, load(dir));
    fs.writeFileSync(path.join(dir, "0001_create.sql"), sql.replace(/\n/g, "\r\n"));
    const status = await migrationStatus(database, load(dir));
    assert.deepEqual(status.drifted, []);
    assert.deepEqual(await applyMigrations(database, load(dir)), []);
    database.connection.close();
  });

  test("an edited applied migration is refused with a clear MigrationDriftError, and nothing else is applied", async () => {
    const database = openDb();
    const dir = migrationsFolder({ "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);" });
    await applyMigrations(database, load(dir));
    const original = load(dir)[0];
    fs.writeFileSync(path.join(dir, "0001_create.sql"), "CREATE TABLE parts (id TEXT PRIMARY KEY, extra TEXT);");
    fs.writeFileSync(path.join(dir, "0002_more.sql"), "CREATE TABLE more_parts (id TEXT);");
    const edited = load(dir);
    const status = await migrationStatus(database, edited);
    assert.deepEqual(
      status.drifted.map((d) => d.migration.id),
      ["0001_create"],
    );
    await assert.rejects(
      () => applyMigrations(database, edited),
      (error: unknown) => {
        assert.ok(error instanceof MigrationDriftError, `expected MigrationDriftError, got ${String(error)}`);
        assert.match(error.message, /refusing to start/);
        assert.match(error.message, /test\/0001_create: file checksum [0-9a-f]{12}… differs from the applied/);
        assert.ok(error.message.includes(original?.checksum.slice(0, 12) as string), "names the applied checksum");
        assert.match(error.message, /Restore the original files/);
        return true;
      },
    );
    assert.equal(tableExists(database, "more_parts"), false, "the pending migration was not applied");
    assert.equal(recorded(database), "0001_create");
    database.connection.close();
  });

  test("a removed applied migration is refused", async () => {
    const database = openDb();
    const dir = migrationsFolder({
      "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);",
      "0002_more.sql": "CREATE TABLE more_parts (id TEXT);",
    });
    await applyMigrations(database, load(dir));
    fs.rmSync(path.join(dir, "0002_more.sql"));
    fs.writeFileSync(path.join(dir, "0003_other.sql"), "CREATE TABLE other_parts (id TEXT);");
    assert.deepEqual(
      (await migrationStatus(database, load(dir))).missing.map((m) => m.id),
      ["0002_more"],
    );
    await assert.rejects(
      () => applyMigrations(database, load(dir)),
      (error: unknown) =>
        error instanceof MigrationDriftError && /test\/0002_more: applied .* but its file is gone/.test(error.message),
    );
    assert.equal(tableExists(database, "other_parts"), false);
    database.connection.close();
  });

  test("a new migration numbered before an applied one is refused (it would run out of order)", async () => {
    const database = openDb();
    const dir = migrationsFolder({
      "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);",
      "0003_more.sql": "CREATE TABLE more_parts (id TEXT);",
    });
    await applyMigrations(database, load(dir));
    fs.writeFileSync(path.join(dir, "0002_late.sql"), "CREATE TABLE late_parts (id TEXT);");
    const status = await migrationStatus(database, load(dir));
    assert.deepEqual(
      status.outOfOrder.map((o) => [o.migration.id, o.appliedAfter.id]),
      [["0002_late", "0003_more"]],
    );
    await assert.rejects(
      () => applyMigrations(database, load(dir)),
      (error: unknown) =>
        error instanceof MigrationDriftError &&
        /test\/0002_late: pending, but test\/0003_more after it was applied already/.test(error.message) &&
        /renumber it/.test(error.message),
    );
    assert.equal(tableExists(database, "late_parts"), false);
    database.connection.close();
  });

  test("a failing migration rolls back and records nothing; the ones before it stay applied", async () => {
    const database = openDb();
    const dir = migrationsFolder({
      "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);",
      "0002_broken.sql":
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO parts (id) VALUES ('p1');\nINSERT INTO no_such_table VALUES (1);",
      "0003_after.sql": "CREATE TABLE after_parts (id TEXT);",
    });
    await assert.rejects(
      () => applyMigrations(database, load(dir)),
      /migration test\/0002_broken failed: no such table: no_such_table/,
    );
    assert.equal(database.connection.inTransaction, false);
    assert.equal(tableExists(database, "half_done"), false, "the failed migration's table was rolled back");
    assert.deepEqual(database.connection.prepare("SELECT id FROM parts").all(), [], "its insert too");
    assert.equal(tableExists(database, "after_parts"), false, "later migrations did not run");
    assert.equal(recorded(database), "0001_create");
    // A failed migration was never applied, so fixing its file is not drift.
    fs.writeFileSync(path.join(dir, "0002_broken.sql"), "CREATE TABLE half_done (x INTEGER);");
    assert.deepEqual(
      (await applyMigrations(database, load(dir))).map((m) => m.id),
      ["0002_broken", "0003_after"],
    );
    database.connection.close();
  });

  test("drift found under the lock (another process applied a different file) is a MigrationDriftError", async () => {
    const database = openDb();
    const dir = migrationsFolder({
      "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);",
      "0002_more.sql": "CREATE TABLE more_parts (id TEXT);",
    });
    const migrations = load(dir);
    // While this run applies 0001, "another process" records its own, different 0002.
    const otherProcess = () =>
      database.connection
        .prepare("INSERT INTO rmos_migrations (plugin, id, checksum, applied_at) VALUES ('test', '0002_more', ?, ?)")
        .run("0".repeat(64), new Date().toISOString());
    await assert.rejects(
      () => applyMigrations(database, migrations, (m) => m.id === "0001_create" && otherProcess()),
      (error: unknown) => error instanceof MigrationDriftError && /test\/0002_more: file checksum/.test(error.message),
    );
    assert.equal(tableExists(database, "more_parts"), false);
    database.connection.close();
  });
});

/** Runs `applyMigrations` in a child process at `startAt`; answers the ids it applied. */
function migrateInChild(dbFile: string, dir: string, startAt: number): Promise<string[]> {
  const args = JSON.stringify({
    sqlite: new URL("./sqlite.js", import.meta.url).href,
    migrations: new URL("./migrations.js", import.meta.url).href,
    dbFile,
    dir: dirUrl(dir).href,
    startAt,
  });
  const code = `
    const a = JSON.parse(process.env.RMOS_TEST_ARGS);
    const { openSqlite } = await import(a.sqlite);
    const { applyMigrations, loadMigrations } = await import(a.migrations);
    const wait = a.startAt - Date.now();
    if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    const database = openSqlite(a.dbFile);
    const applied = await applyMigrations(database, loadMigrations([{ plugin: "race", dir: new URL(a.dir) }]));
    database.close();
    process.stdout.write(JSON.stringify(applied.map((m) => m.id)));
  `;
  return runNodeScriptOk(code, { RMOS_TEST_ARGS: args }).then((out) => JSON.parse(out) as string[]);
}

describe("two processes migrating one database at once", () => {
  test("each migration is applied exactly once", async () => {
    const files: Record<string, string> = {
      "0001_log.sql": "CREATE TABLE race_log (id TEXT NOT NULL);\nINSERT INTO race_log (id) VALUES ('0001');",
    };
    const ids = ["0001"];
    for (let i = 2; i <= 12; i++) {
      const n = String(i).padStart(4, "0");
      ids.push(n);
      // Each migration does a little work, so that the two processes overlap.
      files[`${n}_step.sql`] = `CREATE TABLE t_${n} (x INTEGER NOT NULL);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000) INSERT INTO t_${n} (x) SELECT n FROM c;
INSERT INTO race_log (id) VALUES ('${n}');`;
    }
    const dir = migrationsFolder(files);
    for (let round = 0; round < 2; round++) {
      const dbFile = path.join(tempDir(), "shared.db");
      const startAt = Date.now() + 1200;
      const [a, b] = await Promise.all([migrateInChild(dbFile, dir, startAt), migrateInChild(dbFile, dir, startAt)]);
      const all = [...(a ?? []), ...(b ?? [])].map((id) => id.slice(0, 4)).sort();
      assert.deepEqual(all, ids, `between them the two processes applied each migration once (a: ${a}, b: ${b})`);
      const db = new Sqlite(dbFile, { readonly: true });
      try {
        assert.deepEqual(db.prepare("SELECT id FROM race_log ORDER BY id").pluck().all(), ids);
        assert.equal(db.prepare("SELECT COUNT(*) FROM rmos_migrations").pluck().get(), 12);
        assert.equal(db.prepare("SELECT COUNT(*) FROM t_0012").pluck().get(), 5000);
      } finally {
        db.close();
      }
    }
  });
});

/** A plugin with nothing but a migrations folder. */
function migrationsOnlyPlugin(dir: string): Plugin {
  return definePlugin({ name: "tmp-migrations", migrations: { sqlite: dirUrl(dir) }, init: () => ({}) });
}

function kernelOn(dataDir: string, dir: string, env: Record<string, string> = {}): Kernel {
  const config = loadConfig({ LOG_LEVEL: "silent", RMOS_DATA_DIR: dataDir, ...env });
  return createKernel({ config, plugins: [migrationsOnlyPlugin(dir)], logger: createLogger("silent", 2) });
}

async function readyz(kernel: Kernel): Promise<{ status: number; migrations: { ok: boolean; detail: string } }> {
  const res = await kernel.app.request("/readyz");
  const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
  const check = body.checks.find((c) => c.name === "migrations");
  assert.ok(check, "readyz has a migrations check");
  return { status: res.status, migrations: check };
}

describe("the kernel: readiness and start", () => {
  test("/readyz answers 503 while a migration is pending and 200 once it is applied", async () => {
    const dataDir = tempDir();
    const dir = migrationsFolder({ "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);" });
    const first = kernelOn(dataDir, dir);
    try {
      await first.openDatabase();
      let r = await readyz(first);
      assert.equal(r.status, 503);
      assert.deepEqual(r.migrations.ok, false);
      // The plugin's migration and the kernel's own (the token store's).
      assert.match(r.migrations.detail, /2 pending/);
      await first.migrate();
      r = await readyz(first);
      assert.equal(r.status, 200);
      assert.equal(r.migrations.ok, true);
    } finally {
      await first.close();
    }
    // A new migration file: the next kernel on this database is not ready until it runs.
    fs.writeFileSync(path.join(dir, "0002_more.sql"), "CREATE TABLE more_parts (id TEXT);");
    const second = kernelOn(dataDir, dir, { RMOS_AUTO_MIGRATE: "false" });
    try {
      await second.openDatabase();
      const r = await readyz(second);
      assert.equal(r.status, 503);
      assert.match(r.migrations.detail, /1 pending/);
      await assert.rejects(second.start(), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /1 database migration\(s\) pending \(tmp-migrations\/0002_more\): run `rmos db migrate`/,
        );
        return true;
      });
      await second.migrate();
      assert.equal((await readyz(second)).status, 200);
    } finally {
      await second.close();
    }
  });

  test("a start with auto-migrate applies pending migrations; a drifted file stops the start either way", async () => {
    const dataDir = tempDir();
    const dir = migrationsFolder({ "0001_create.sql": "CREATE TABLE parts (id TEXT PRIMARY KEY);" });
    const first = kernelOn(dataDir, dir);
    await first.start();
    assert.equal((await readyz(first)).status, 200);
    await first.close();
    fs.writeFileSync(path.join(dir, "0001_create.sql"), "CREATE TABLE parts (id TEXT PRIMARY KEY, x TEXT);");
    for (const env of [{}, { RMOS_AUTO_MIGRATE: "false" }] as Array<Record<string, string>>) {
      const kernel = kernelOn(dataDir, dir, env);
      try {
        await assert.rejects(kernel.start(), MigrationDriftError);
        assert.equal((await readyz(kernel)).status, 503);
      } finally {
        await kernel.close();
      }
    }
  });
});

/** Streams that collect what a CLI command writes. */
function captureIo() {
  const text = { out: "", err: "" };
  const sink = (key: "out" | "err") =>
    new Writable({
      write(chunk, _encoding, done) {
        text[key] += String(chunk);
        done();
      },
    });
  return { io: { stdout: sink("out"), stderr: sink("err") }, text };
}

describe("rmos db status | migrate", () => {
  test("status lists pending, migrate applies them once, drift is reported and refused", async () => {
    const { main } = await import("../../cli/main.js");
    const dataDir = tempDir();
    const saved = { RMOS_DATA_DIR: process.env.RMOS_DATA_DIR, RMOS_PLUGINS: process.env.RMOS_PLUGINS };
    process.env.RMOS_DATA_DIR = dataDir;
    process.env.RMOS_PLUGINS = "runs"; // the foundation plugin, whatever else is in the tree
    try {
      const run = async (...argv: string[]) => {
        const { io, text } = captureIo();
        const code = await main(argv, io);
        return { code, ...text };
      };
      let r = await run("db", "status", "--json");
      assert.equal(r.code, 1, r.err);
      let report = JSON.parse(r.out) as { applied: unknown[]; pending: string[]; drifted: string[]; missing: string[] };
      assert.deepEqual(report.applied, []);
      // The kernel's own token store migration comes first, then the plugin's.
      assert.deepEqual(report.pending, [
        "auth/0001_tokens",
        "runs/0001_init_runs_index",
        "runs/0002_partition_checkpoints",
      ]);

      r = await run("db", "migrate", "--json");
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), {
        applied: ["auth/0001_tokens", "runs/0001_init_runs_index", "runs/0002_partition_checkpoints"],
      });
      assert.match(r.err, /applied runs\/0001_init_runs_index/);

      r = await run("db", "status", "--json");
      assert.equal(r.code, 0, r.err);
      report = JSON.parse(r.out);
      assert.deepEqual(report.pending, []);
      assert.deepEqual(
        (report.applied as Array<{ migration: string }>).map((a) => a.migration),
        ["auth/0001_tokens", "runs/0001_init_runs_index", "runs/0002_partition_checkpoints"],
      );

      r = await run("db", "migrate");
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /0 migration\(s\) applied; the database is up to date/);

      // The database says the file was different when it ran: drift.
      const db = new Sqlite(path.join(dataDir, "rmos.db"));
      db.prepare("UPDATE rmos_migrations SET checksum = ? WHERE id = '0001_init_runs_index'").run("0".repeat(64));
      db.close();
      r = await run("db", "status", "--json");
      assert.equal(r.code, 1);
      assert.deepEqual(JSON.parse(r.out).drifted, ["runs/0001_init_runs_index"]);
      r = await run("db", "migrate");
      assert.equal(r.code, 2);
      assert.match(r.err, /rmos db: refusing to start: .*\n {2}runs\/0001_init_runs_index: file checksum .* differs/);

      assert.equal((await run("db", "sideways")).code, 2);
      assert.equal((await run("db", "--help")).code, 0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
