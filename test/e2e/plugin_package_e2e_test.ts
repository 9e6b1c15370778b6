/**
 * End to end, a plugin from outside the repository's source: `rmos serve` (a child
 * process) with RMOS_PLUGINS=all,<examples/machine-calibration>, the example package
 * loaded by path with the service's own plugin API. Over HTTP: runs through
 * @rmos/client and calibrations beside them (201, 200 for the same again, 409, 405s,
 * pages), its routes in /openapi.json and /docs, and `rmos-contract --checks` running
 * the plugin's contract checks after the governance checks, in one report. `rmos
 * openapi` includes its routes only when RMOS_PLUGINS names it; a package that is not
 * there or not a plugin stops the command with exit 2, naming it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createRmosClient } from "../../packages/client/src/index.js";
import { main as contractMain } from "../../packages/contract/src/index.js";
import { makeCreateBody } from "../../src/contracts/testing/create_body.js";
import { type ChildServer, startChildServer } from "../../src/testing/child_server.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { REPO_ROOT } from "../../src/testing/paths.js";
import { tempDir } from "../../src/testing/test_kernel.js";

const EXAMPLE = path.join(REPO_ROOT, "examples", "machine-calibration");
const API = "/api/rmos/machine-calibrations";

const calibration = (id: string, runout = 4.25) => ({
  calibration_id: id,
  machine_id: "cnc-e2e",
  spindle_runout_um: runout,
  probe_offsets: { x_mm: 0.003, y_mm: 0.001, z_mm: 25.4 },
  measured_at_utc: "2026-11-21T07:00:00-05:00",
  operator: "e2e",
});

describe("a plugin package loaded by rmos serve", () => {
  let server: ChildServer;
  let dataDir: string;
  const post = (body: unknown) =>
    fetch(`${server.url}${API}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  before(async () => {
    assert.ok(fs.existsSync(path.join(EXAMPLE, "dist", "src", "mod.js")), "npm run build builds the example");
    dataDir = tempDir();
    server = await startChildServer({ RMOS_DATA_DIR: dataDir, RMOS_PLUGINS: `all,${EXAMPLE}` });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("stores write-once calibrations beside the runs", async () => {
    const client = createRmosClient({ baseUrl: server.url });
    const run = await client.runs.create(makeCreateBody() as never);
    assert.match(run.run_id, /^run_/);

    const created = await post(calibration("cal_e2e_1"));
    assert.equal(created.status, 201);
    const record = (await created.json()) as Record<string, unknown>;
    assert.equal(record.measured_at_utc, "2026-11-21T12:00:00Z", "stored in UTC");
    assert.equal((await post(calibration("cal_e2e_1"))).status, 200, "the same calibration again");
    const clash = await post(calibration("cal_e2e_1", 9));
    assert.equal(clash.status, 409);
    assert.match(clash.headers.get("content-type") ?? "", /problem\+json/);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await fetch(`${server.url}${API}/cal_e2e_1`, { method });
      assert.equal(res.status, 405, method);
      await res.body?.cancel();
    }
    const read = await fetch(`${server.url}${API}/cal_e2e_1`);
    assert.deepEqual(await read.json(), record);
    const list = (await (await fetch(`${server.url}${API}?machine_id=cnc-e2e`)).json()) as { items: unknown[] };
    assert.equal(list.items.length, 1);
    assert.equal((await client.runs.get(run.run_id)).run_id, run.run_id, "the runs are untouched beside it");
  });

  test("its routes are in /openapi.json and /docs", async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    assert.equal(doc.paths[API]?.post?.operationId, "createMachineCalibration");
    assert.equal(doc.paths[`${API}/{calibration_id}`]?.get?.operationId, "getMachineCalibration");
    assert.ok(doc.paths["/api/rmos/runs"]);
    const docs = await (await fetch(`${server.url}/docs`)).text();
    assert.ok(docs.includes("createMachineCalibration") || docs.includes(API), "/docs lists the plugin's routes");
  });

  test("rmos-contract --checks runs the plugin's checks with the governance checks", async () => {
    const reportDir = tempDir("rmos-contract-report-");
    let out = "";
    let err = "";
    try {
      const code = await contractMain(
        [
          "--base-url",
          server.url,
          "--checks",
          path.join(EXAMPLE, "dist", "src", "contract_checks.js"),
          "--report-dir",
          reportDir,
        ],
        { env: {}, out: (t) => (out += t), err: (t) => (err += t) },
      );
      assert.equal(code, 0, `${out}\n${err}`);
      assert.match(out, /PASS {2}Machine calibrations are write-once/);
      assert.match(out, /PASS {2}Machine calibration hashes are true/);
      assert.match(out, /PASS {2}invariant 3 — Write-once/);
      const report = fs.readFileSync(path.join(reportDir, "report.md"), "utf8");
      assert.match(report, /Machine calibrations are write-once/);
    } finally {
      fs.rmSync(reportDir, { recursive: true, force: true });
    }
  });
});

describe("rmos openapi and plugin packages", () => {
  test("includes the package's routes only when RMOS_PLUGINS names it", async () => {
    const withIt = await runCli(["openapi"], { RMOS_PLUGINS: `all,${EXAMPLE}` });
    assert.equal(withIt.code, 0, withIt.stderr);
    assert.ok((JSON.parse(withIt.stdout) as { paths: Record<string, unknown> }).paths[API]);
    const without = await runCli(["openapi"], { RMOS_PLUGINS: "all" });
    assert.equal((JSON.parse(without.stdout) as { paths: Record<string, unknown> }).paths[API], undefined);
    const committed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "openapi.json"), "utf8")) as {
      paths: Record<string, unknown>;
    };
    assert.equal(committed.paths[API], undefined, "the committed document is the built-in plugins'");
  });

  test("stops with exit 2 naming a package that is missing or not a plugin", async () => {
    const missing = await runCli(["openapi"], { RMOS_PLUGINS: "all,./no/such/plugin" });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /plugin package "\.\/no\/such\/plugin"/);
    const notPlugin = await runCli(["openapi"], { RMOS_PLUGINS: `all,${path.join(EXAMPLE, "package.json")}` });
    assert.equal(notPlugin.code, 2);
    assert.match(notPlugin.stderr, /package\.json/);
    const typo = await runCli(["db", "status"], { RMOS_PLUGINS: "runs,attachmnts" });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /"attachmnts", which is neither a built-in plugin nor an installed package/);
  });
});
