/**
 * The import of the committed sample v1 store (test/fixtures/v1/sample, made by the
 * project's generator), through the CLI: the counts add up to what the generator
 * reports it wrote, every dirty record lands as the v1 mapping says (checked record by
 * record against plain JSON.parse and Python's own hashes, and for each kind of dirt on
 * the record the generator names),
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
import { v1Sha256 } from "../../src/plugins/v1-compat/python_json.js";
import { SAMPLE_DIR, sampleReport } from "../../src/plugins/v1-compat/v1_test_support.js";
import { parseV1Json, type V1Value } from "../../src/plugins/v1-compat/v1_value.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import {
  account,
  assertLandsAsSpecSays,
  cleanKeys,
  copyStore,
  expectedFlagged,
  migrate,
  rawRecords,
  recordOf,
  recordWith,
  snapshot,
  v1Cli,
  withKernel,
  type Json,
} from "./support.js";

describe("import of the sample v1 store", () => {
  const dataDir = tempDir("rmos-v1-sample-");
  const sample = sampleReport();
  const kept = sample.cases.feasibility_missing.length;
  const flagged = expectedFlagged(sample).size;
  const clean = cleanKeys(sample)[0] as string;
  const naive = recordWith(sample, "naive_created_at");
  const derived = recordWith(sample, "request_hash_null");
  const disagreeing = recordWith(sample, "run_id_disagrees_with_key");
  const astral = recordWith(sample, "astral_keys");
  const lostBlob = recordWith(sample, "attachment_blob_lost");
  let report: ImportReport;

  before(async () => {
    const r = await migrate(SAMPLE_DIR, dataDir);
    assert.equal(r.code, 0, r.stderr);
    report = r.report;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test("the counts add up: every record imported but those without feasibility (kept aside); flagged as generated", () => {
    assert.ok(kept > 0 && flagged > 1, "the sample holds records to keep aside and to flag");
    assert.equal(report.total, sample.count);
    assert.equal(report.imported, sample.count - kept);
    assert.equal(report.already_present, 0);
    assert.equal(report.failed, kept);
    assert.equal(report.flagged, flagged);
    assert.equal(report.imported + report.already_present + report.failed, report.total);
    assert.equal(report.complete, true);
    assert.ok(report.backup && fs.existsSync(path.join(dataDir, report.backup)), "runs.json was backed up");
    assert.ok(report.report && fs.existsSync(path.join(dataDir, report.report)), "the report is kept");
  });

  test("every record lands as the v1 mapping says (checked against JSON.parse and Python)", async (t) => {
    await assertLandsAsSpecSays(SAMPLE_DIR, dataDir, report, t);
  });

  test("each kind of dirt of the sample, on the record the generator put it in", async () => {
    await withKernel(dataDir, async (t) => {
      const store = t.kernel.resolve(RUN_STORE);
      const get = async (id: string) => (await store.get(id))?.artifact as Json;
      const notes = (a: Json) => (a.provenance as V1Provenance).notes.join("\n");
      const flags = (a: Json) => (a.provenance as V1Provenance).flags;
      const raw = (id: string) => recordOf(sample, id);

      const naiveTime = raw(naive).created_at_utc as string;
      assert.doesNotMatch(naiveTime, /(Z|[+-]\d\d:\d\d)$/, "the sample's naive time has no offset");
      const asUtc = await get(naive);
      assert.equal(asUtc.created_at_utc, `${naiveTime}Z`);
      assert.ok(notes(asUtc).includes(`created_at_utc was naive (${naiveTime}); taken as UTC`), notes(asUtc));
      assert.ok(fs.existsSync(path.join(dataDir, "runs", naiveTime.slice(0, 10), `${naive}.json`)));

      const missingRisk = recordWith(sample, "risk_level_missing");
      assert.equal("risk_level" in raw(missingRisk).decision, false);
      assert.equal((await get(missingRisk)).decision.risk_level, "UNKNOWN");
      assert.match(notes(await get(missingRisk)), /risk_level missing in v1: UNKNOWN/);
      const nullRisk = recordWith(sample, "risk_level_null");
      assert.equal(raw(nullRisk).decision.risk_level, null);
      assert.equal((await get(nullRisk)).decision.risk_level, "UNKNOWN");
      assert.match(notes(await get(nullRisk)), /risk_level null in v1: UNKNOWN/);

      assert.equal(raw(derived).request_hash, null);
      const withDerived = await get(derived);
      assert.match(withDerived.hashes.feasibility_sha256, /^[0-9a-f]{64}$/);
      assert.match(notes(withDerived), /feasibility_sha256 derived: v1 request_hash missing/);

      const lowerKey = recordWith(sample, "status_lower_case");
      const lowerStatus = raw(lowerKey).status as string;
      assert.notEqual(lowerStatus, lowerStatus.toUpperCase());
      const lower = await get(lowerKey);
      assert.equal(lower.status, lowerStatus.toUpperCase());
      assert.match(notes(lower), new RegExp(`status "${lowerStatus}" lower case in v1: upper-cased`));

      const ownId = raw(disagreeing).run_id as string;
      assert.notEqual(ownId, disagreeing);
      const disagreeingRun = await get(disagreeing);
      assert.deepEqual(flags(disagreeingRun), ["run_id_disagrees_with_key"]);
      assert.equal(disagreeingRun.provenance.v1_record_run_id, ownId);
      assert.equal(await store.has(ownId), false, "imported under its key only");

      const lost = await get(lostBlob);
      assert.deepEqual(flags(lost), ["attachment_blob_missing"]);
      assert.equal(lost.attachments.length, 1, "the reference is kept");

      // Keys Python sorts otherwise than JavaScript: the v1 hash is kept and matches (no mismatch flag).
      const astralRun = await get(astral);
      const feasibility = parseV1Json((await rawRecords(sample.runsJson)).get(astral) as Buffer);
      assert.ok(feasibility instanceof Map);
      assert.equal(astralRun.hashes.feasibility_sha256, raw(astral).request_hash);
      assert.equal(v1Sha256(feasibility.get("feasibility") as V1Value), raw(astral).request_hash);
      assert.deepEqual(flags(astralRun), []);

      const noFeasibility = recordWith(sample, "feasibility_missing");
      assert.equal(await store.has(noFeasibility), false);
      const failure = report.failures[0];
      assert.equal(failure?.key, noFeasibility);
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
    assert.equal(again.report.already_present, sample.count - kept);
    assert.equal(again.report.failed, kept);
    assert.equal(again.report.flagged, flagged, "flags are reported for runs already present too");
    assert.equal(again.report.imported_at_utc, report.imported_at_utc, "the import time is that of the first start");
    assert.deepEqual(snapshot(dataDir, skipReports), before, "no file added or changed");
  });

  test("v1 status and v1 verify: every record accounted for", async () => {
    const status = await account("status", SAMPLE_DIR, dataDir);
    assert.equal(status.code, 0);
    assert.deepEqual(
      [status.report.total, status.report.imported, status.report.kept_aside, status.report.unaccounted],
      [sample.count, sample.count - kept, kept, 0],
    );
    const verify = await account("verify", SAMPLE_DIR, dataDir);
    assert.equal(verify.code, 0, JSON.stringify(verify.report.unaccounted_records));
    assert.equal(verify.report.ok, true);
    assert.equal(verify.report.evidence_checked, sample.count - kept);
    const human = await v1Cli(dataDir, ["verify", "--from", SAMPLE_DIR, "--quiet"]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /OK: every v1 record is accounted for/);
  });

  test("v1 verify exits non-zero, naming it, when runs.json holds a record that was not imported", async () => {
    const grown = copyStore(SAMPLE_DIR, path.join(dataDir, "..", `${path.basename(dataDir)}-grown`));
    try {
      const file = path.join(grown, "runs.json");
      const text = fs.readFileSync(file, "utf8");
      const extra = (await rawRecords(file)).get(clean)?.toString("utf8").replaceAll(clean, "run_0000000000aa");
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
      for (const id of [clean, derived, disagreeing, naive, astral]) {
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
      const lost = (await (await t.request(`runs/${lostBlob}/verify`)).json()) as { ok: boolean; checks: Json[] };
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
