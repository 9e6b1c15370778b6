/**
 * The rmos CLI: help and usage errors, `verify` (exit 1 on any damage, --json),
 * `reindex` (the index rebuilt from the files), `db status|migrate`, `openapi`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { DATABASE } from "../../src/contracts/ports/database.js";
import { sqliteConnectionOf } from "../../src/kernel/db/sqlite.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

async function seed(count: number): Promise<{ dataDir: string; ids: string[] }> {
  const t = await startTestKernel();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(((await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as { run_id: string }).run_id);
  }
  await t.close({ keepData: true });
  return { dataDir: t.dataDir, ids };
}

describe("rmos CLI", () => {
  test("--help lists the commands; every command has --help; unknown ones are usage errors", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    for (const c of ["serve", "db", "openapi", "verify", "reindex"])
      assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    for (const c of ["serve", "db", "openapi", "verify", "reindex"]) {
      const r = await runCli([c, "--help"]);
      assert.equal(r.code, 0, c);
      assert.match(r.stdout, /Usage: rmos/);
    }
    assert.equal((await runCli(["frobnicate"])).code, 2);
    const bad = await runCli(["verify", "--nope"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option/);
  });

  test("a bad configuration stops with a clear message and exit 2", async () => {
    const r = await runCli(["verify"], { RMOS_MAX_BODY_BYTES: "lots", RMOS_DATA_DIR: tempDir() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /RMOS_MAX_BODY_BYTES/);
  });

  test("verify: all intact → exit 0; a damaged artifact → exit 1 naming it", async () => {
    const { dataDir, ids } = await seed(3);
    try {
      const ok = await runCli(["verify", "--json", "--quiet"], { RMOS_DATA_DIR: dataDir });
      assert.equal(ok.code, 0, ok.stderr);
      const report = JSON.parse(ok.stdout);
      assert.equal(report.ok, true);
      assert.equal(report.runs, 3);
      const victim = ids[1] as string;
      const file = fs
        .readdirSync(path.join(dataDir, "runs"), { recursive: true })
        .map(String)
        .find((n) => n.endsWith(`${victim}.json`));
      const full = path.join(dataDir, "runs", file as string);
      fs.chmodSync(full, 0o644);
      fs.appendFileSync(full, " ");
      const bad = await runCli(["verify", "--quiet"], { RMOS_DATA_DIR: dataDir });
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, new RegExp(`${victim}`));
      assert.match(bad.stdout, /1 FAILED/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("reindex rebuilds the index from the files", async () => {
    const { dataDir, ids } = await seed(4);
    try {
      const t = await startTestKernel({ dataDir });
      sqliteConnectionOf(t.kernel.resolve(DATABASE)).exec("DELETE FROM runs_index");
      await t.close({ keepData: true });
      const r = await runCli(["reindex", "--json", "--quiet"], { RMOS_DATA_DIR: dataDir });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { indexed: 4, corrupt: 0 });
      const t2 = await startTestKernel({ dataDir });
      try {
        const list = (await (await t2.request("runs")).json()) as { items: Array<{ run_id: string }> };
        assert.deepEqual(list.items.map((s) => s.run_id).sort(), [...ids].sort());
      } finally {
        await t2.close({ keepData: true });
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("db status and migrate", async () => {
    const dataDir = tempDir();
    try {
      const before = await runCli(["db", "status", "--json"], { RMOS_DATA_DIR: dataDir });
      assert.equal(before.code, 1, "pending migrations → exit 1");
      assert.ok(JSON.parse(before.stdout).pending.includes("runs/0001_init_runs_index"));
      const migrate = await runCli(["db", "migrate", "--json"], { RMOS_DATA_DIR: dataDir });
      assert.equal(migrate.code, 0, migrate.stderr);
      const after = await runCli(["db", "status", "--json"], { RMOS_DATA_DIR: dataDir });
      assert.equal(after.code, 0);
      assert.deepEqual(JSON.parse(after.stdout).pending, []);
      const again = await runCli(["db", "migrate", "--json"], { RMOS_DATA_DIR: dataDir });
      assert.deepEqual(JSON.parse(again.stdout).applied, []);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("openapi prints the document without a data directory", async () => {
    const r = await runCli(["openapi"], { RMOS_DATA_DIR: "/nonexistent/never-created" });
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).openapi, "3.1.0");
    assert.equal(fs.existsSync("/nonexistent/never-created"), false);
  });
});
