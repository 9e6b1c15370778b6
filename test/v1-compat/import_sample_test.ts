/**
 * The import of the sample v1 store (../shared/fixtures/v1/sample), through the CLI:
 * the counts add up, every dirty record lands as SPEC says (checked record by record
 * against plain JSON.parse and Python's own hashes, and by name for each kind of dirt),
 * a re-run imports nothing twice and writes nothing new, `v1 verify` passes — and fails
 * naming a record that appears in runs.json later — the imported runs verify through
 * GET /runs/{id}/verify (legacy hashes recomputed from the original bytes), and a dry
 * run writes nothing.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import type { ImportReport } from "../../src/plugins/v1-compat/importer.js";
import type { V1Provenance } from "../../src/plugins/v1-compat/provenance.js";
import { SAMPLE_DIR } from "../../src/plugins/v1-compat/v1_test_support.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import {
  account,
  assertLandsAsSpecSays,
  copyStore,
  migrate,
  rawRecords,
  snapshot,
  v1Cli,
  withKernel,
  type Json,
} from "./support.js";

describe("import of the sample v1 store", () => {
  const dataDir = tempDir("rmos-v1-sample-");
  let report: ImportReport;

  before(async () => {
    const r = await migrate(SAMPLE_DIR, dataDir);
    assert.equal(r.code, 0, r.stderr);
    report = r.report;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test("the counts add up: 200 records = 199 imported + 1 kept aside; 2 flagged", () => {
    assert.equal(report.total, 200);
    assert.equal(report.imported, 199);
    assert.equal(report.already_present, 0);
    assert.equal(report.failed, 1);
    assert.equal(report.flagged, 2);
    assert.equal(report.imported + report.already_present + report.failed, report.total);
    assert.equal(report.complete, true);
    assert.ok(report.backup && fs.existsSync(path.join(dataDir, report.backup)), "runs.json was backed up");
    assert.ok(report.report && fs.existsSync(path.join(dataDir, report.report)), "the report is kept");
  });

  test("every record lands as SPEC's mapping table says (checked against JSON.parse and Python)", async () => {
    await assertLandsAsSpecSays(SAMPLE_DIR, dataDir, report);
  });

  test("each kind of dirt of the sample, by name", async () => {
    await withKernel(dataDir, async (t) => {
      const store = t.kernel.resolve(RUN_STORE);
      const get = async (id: string) => (await store.get(id))?.artifact as Json;
      const notes = (a: Json) => (a.provenance as V1Provenance).notes.join("\n");
      const flags = (a: Json) => (a.provenance as V1Provenance).flags;

      const naive = await get("run_a46dec148cb4");
      assert.equal(naive.created_at_utc, "2025-11-05T20:30:31.194936Z");
      assert.match(notes(naive), /created_at_utc was naive \(2025-11-05T20:30:31\.194936\); taken as UTC/);
      assert.ok(fs.existsSync(path.join(dataDir, "runs", "2025-11-05", "run_a46dec148cb4.json")));

      assert.equal((await get("run_be653e2434e3")).decision.risk_level, "UNKNOWN");
      assert.match(notes(await get("run_be653e2434e3")), /risk_level missing in v1: UNKNOWN/);
      assert.equal((await get("run_8c9c6e1fb6ad")).decision.risk_level, "UNKNOWN");
      assert.match(notes(await get("run_8c9c6e1fb6ad")), /risk_level null in v1: UNKNOWN/);

      const derived = await get("run_02f2047b57e5");
      assert.match(derived.hashes.feasibility_sha256, /^[0-9a-f]{64}$/);
      assert.match(notes(derived), /feasibility_sha256 derived: v1 request_hash missing/);

      const lower = await get("run_7431eb646c00");
      assert.equal(lower.status, "OK");
      assert.match(notes(lower), /status "ok" lower case in v1: upper-cased/);

      const disagreeing = await get("run_5d5fdeb8fc4c");
      assert.deepEqual(flags(disagreeing), ["run_id_disagrees_with_key"]);
      assert.equal(disagreeing.provenance.v1_record_run_id, "run_d73370c7c7d5");
      assert.equal(await store.has("run_d73370c7c7d5"), false, "imported under its key only");

      const lost = await get("run_920f357d6f2e");
      assert.deepEqual(flags(lost), ["attachment_blob_missing"]);
      assert.equal(lost.attachments.length, 1, "the reference is kept");

      assert.equal(await store.has("run_51152fd2f792"), false);
      const failure = report.failures[0];
      assert.equal(failure?.key, "run_51152fd2f792");
      assert.match(failure?.reason ?? "", /feasibility is missing/);
    });
  });

  test("a re-run imports nothing twice and writes nothing but its report", async () => {
    const skipReports = {
      skip: (rel: string) => rel.startsWith(path.join("v1-import", "reports")) || rel.startsWith("rmos.db"),
    };
    const before = snapshot(dataDir, skipReports);
    const again = await migrate(SAMPLE_DIR, dataDir);
    assert.equal(again.code, 0);
    assert.equal(again.report.imported, 0);
    assert.equal(again.report.already_present, 199);
    assert.equal(again.report.failed, 1);
    assert.equal(again.report.flagged, 2, "flags are reported for runs already present too");
    assert.equal(again.report.imported_at_utc, report.imported_at_utc, "the import time is that of the first start");
    assert.deepEqual(snapshot(dataDir, skipReports), before, "no file added or changed");
  });

  test("v1 status and v1 verify: every record accounted for", async () => {
    const status = await account("status", SAMPLE_DIR, dataDir);
    assert.equal(status.code, 0);
    assert.deepEqual(
      [status.report.total, status.report.imported, status.report.kept_aside, status.report.unaccounted],
      [200, 199, 1, 0],
    );
    const verify = await account("verify", SAMPLE_DIR, dataDir);
    assert.equal(verify.code, 0, JSON.stringify(verify.report.unaccounted_records));
    assert.equal(verify.report.ok, true);
    assert.equal(verify.report.evidence_checked, 199);
    const human = await v1Cli(dataDir, ["verify", "--from", SAMPLE_DIR, "--quiet"]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /OK: every v1 record is accounted for/);
  });

  test("v1 verify exits non-zero, naming it, when runs.json holds a record that was not imported", async () => {
    const grown = copyStore(SAMPLE_DIR, path.join(dataDir, "..", `${path.basename(dataDir)}-grown`));
    try {
      const file = path.join(grown, "runs.json");
      const text = fs.readFileSync(file, "utf8");
      const extra = (await rawRecords(file))
        .get("run_91b72265b1f5")
        ?.toString("utf8")
        .replaceAll("run_91b72265b1f5", "run_0000000000aa");
      fs.writeFileSync(file, text.replace(/\n}\s*$/, `,\n  "run_0000000000aa": ${extra}\n}\n`));
      const verify = await account("verify", grown, dataDir);
      assert.equal(verify.code, 1);
      assert.equal(verify.report.ok, false);
      assert.deepEqual(
        verify.report.unaccounted_records.map((u) => [u.key, u.reason]),
        [["run_0000000000aa", "not imported and not kept aside"]],
      );
      const human = await v1Cli(dataDir, ["verify", "--from", grown, "--quiet"]);
      assert.equal(human.code, 1);
      assert.match(human.stdout, /NOT ACCOUNTED FOR:\n\s+run_0000000000aa/);
    } finally {
      fs.rmSync(grown, { recursive: true, force: true });
    }
  });

  test("GET /runs/{id}/verify passes for imported runs: legacy hashes recomputed from the original bytes", async () => {
    await withKernel(dataDir, async (t) => {
      for (const id of ["run_91b72265b1f5", "run_02f2047b57e5", "run_5d5fdeb8fc4c", "run_a46dec148cb4"]) {
        const body = (await (await t.request(`runs/${id}/verify`)).json()) as { ok: boolean; checks: Json[] };
        assert.equal(body.ok, true, `${id}: ${JSON.stringify(body.checks.filter((c) => !c.ok))}`);
        const names = body.checks.map((c) => c.name);
        for (const n of ["v1_record", "v1_feasibility", "feasibility_sha256", "stored_bytes", "schema"]) {
          assert.ok(names.includes(n), `${id}: check ${n}`);
        }
        const f = body.checks.find((c) => c.name === "feasibility_sha256");
        assert.match(f?.detail, /recomputed the v1 way from the original record, matches/);
      }
      // The lost blob is the one thing that does not verify, and it says so.
      const lost = (await (await t.request("runs/run_920f357d6f2e/verify")).json()) as { ok: boolean; checks: Json[] };
      assert.equal(lost.ok, false);
      assert.deepEqual(
        lost.checks.filter((c) => !c.ok).map((c) => [c.name.split(":")[0], c.detail.split(":")[0]]),
        [["attachment", "missing"]],
      );
    });
  });

  test("a dry run reports what migrate does and writes nothing", async () => {
    const dry = tempDir("rmos-v1-dry-");
    try {
      const r = await migrate(SAMPLE_DIR, dry, ["--dry-run"]);
      assert.equal(r.code, 0);
      assert.equal(r.report.dry_run, true);
      assert.deepEqual(
        [r.report.total, r.report.imported, r.report.failed, r.report.flagged, r.report.noted],
        [report.total, report.imported, report.failed, report.flagged, report.noted],
      );
      assert.equal(r.report.backup, null);
      assert.equal(r.report.failures[0]?.kept_aside, null);
      assert.equal(fs.existsSync(path.join(dry, "v1-import")), false, "no backup, no kept-aside record, no report");
      assert.deepEqual([...snapshot(path.join(dry, "runs")).keys()], [], "no run written");
      assert.deepEqual([...snapshot(path.join(dry, "blobs")).keys()], [], "no blob written");
    } finally {
      fs.rmSync(dry, { recursive: true, force: true });
    }
  });
});
