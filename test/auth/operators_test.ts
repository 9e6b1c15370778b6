/**
 * The operator of a command-line write, and the principal of an administrative API
 * call, are recorded like any other principal: `rmos v1 migrate --as NAME` makes every
 * imported run's created_by (and provenance.imported_by) `cli:NAME`, by default
 * `cli:<os user>`; `POST /schemas/migrate` records its caller as `applied_by` in every
 * migration_history entry it writes, and `rmos schemas migrate` takes `--as` the same
 * way. A bad operator name is a usage error (exit 2) before anything is written.
 */
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { materialisedSidecarName } from "../../src/contracts/ports/schema_migrator.js";
import { CURRENT_SCHEMA_VERSION } from "../../src/contracts/artifact.js";
import { startAuthKernel } from "../../src/testing/auth_kernel.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { jsonBody, tempDir } from "../../src/testing/test_kernel.js";
import { DEMO_PLUGINS } from "../schema-migrations/harness.js";
import { legacyExample } from "../schema-migrations/demo_migrations.js";
import { migrate, withKernel } from "../v1-compat/support.js";

const SAMPLE = fileURLToPath(new URL("../../../test/fixtures/v1/sample/", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: assertions read artifacts loosely; a wrong guess fails the test
type Doc = Record<string, any>;

async function importedRuns(dataDir: string): Promise<Doc[]> {
  return withKernel(dataDir, async (t) => {
    const page = (await (await t.request("runs?limit=500")).json()) as { items: Doc[] };
    const runs: Doc[] = [];
    for (const s of page.items) runs.push((await (await t.request(`runs/${s.run_id}`)).json()) as Doc);
    return runs;
  });
}

describe("rmos v1 migrate --as", () => {
  test("every imported run records the operator as created_by and provenance.imported_by", async () => {
    const dataDir = tempDir();
    const { code, report } = await migrate(path.resolve(SAMPLE), dataDir, ["--as", "alice"]);
    assert.equal(code, 0);
    assert.ok(report.imported > 0);
    const runs = await importedRuns(dataDir);
    assert.equal(runs.length, report.imported);
    for (const run of runs) {
      assert.equal(run.created_by, "cli:alice", run.run_id);
      assert.equal(run.provenance.imported_by, "cli:alice", run.run_id);
    }
  });

  test("without --as the operator is cli:<os user>; a bad name is a usage error before anything is written", async () => {
    const dataDir = tempDir();
    const bad = await runCli(["v1", "migrate", "--from", SAMPLE, "--as", "bad name!"], { RMOS_DATA_DIR: dataDir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--as: operator name "bad name!"/);
    const onStatus = await runCli(["v1", "status", "--from", SAMPLE, "--as", "x"], { RMOS_DATA_DIR: dataDir });
    assert.equal(onStatus.code, 2);
    const { code } = await migrate(path.resolve(SAMPLE), dataDir);
    assert.equal(code, 0);
    const runs = await importedRuns(dataDir);
    assert.ok(runs.length > 0);
    assert.deepEqual([...new Set(runs.map((r) => r.created_by))], [`cli:${os.userInfo().username}`]);
  });
});

describe("schema migrations record who ran them", () => {
  test("POST /schemas/migrate as an admin token: each history entry's applied_by is the principal", async () => {
    const k = await startAuthKernel({ ops: ["admin"] }, { plugins: DEMO_PLUGINS });
    try {
      const store = k.t.kernel.resolve(RUN_STORE);
      const runId = "run_01JN00000000000000000000B7";
      await store.create(legacyExample(runId));
      const res = await k.t.request("schemas/migrate", k.as("ops", jsonBody({})));
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as Doc).migrated, 1);
      const record = JSON.parse(
        ((await store.getSidecar(runId, materialisedSidecarName(CURRENT_SCHEMA_VERSION))) as Buffer).toString("utf8"),
      ) as Doc;
      assert.ok(record.migration_history.length > 0);
      for (const entry of record.migration_history) assert.equal(entry.applied_by, "token:ops");
    } finally {
      await k.close();
    }
  });

  test("rmos schemas migrate refuses a bad --as, and --as on list-versions", async () => {
    const dataDir = tempDir();
    const bad = await runCli(["schemas", "migrate", "--as", "bad name!"], { RMOS_DATA_DIR: dataDir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--as: operator name "bad name!"/);
    const list = await runCli(["schemas", "list-versions", "--as", "ops"], { RMOS_DATA_DIR: dataDir });
    assert.equal(list.code, 2);
    const ok = await runCli(["schemas", "migrate", "--as", "ops", "--json"], { RMOS_DATA_DIR: dataDir });
    assert.equal(ok.code, 0, ok.stderr);
  });
});
