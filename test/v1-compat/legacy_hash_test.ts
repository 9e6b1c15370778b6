/**
 * Legacy hashes: a v1 record whose stored hash does not match its own content is
 * imported and flagged, never "fixed" — its hash is kept verbatim, the mismatch is
 * recorded, and verification says so while passing; and the original bytes are the
 * evidence: once they change in the backup, GET /runs/{id}/verify and `v1 verify` fail.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import type { ImportReport } from "../../src/plugins/v1-compat/importer.js";
import type { V1Provenance } from "../../src/plugins/v1-compat/provenance.js";
import { SAMPLE_DIR, sampleReport } from "../../src/plugins/v1-compat/v1_test_support.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import {
  account,
  cleanKeys,
  copyStore,
  migrate,
  rawRecords,
  recordWith,
  v1HashOracle,
  withKernel,
  type Json,
} from "./support.js";

const sample = sampleReport();
/** A clean record of the sample, whose request_hash is made wrong. */
const VICTIM = cleanKeys(sample)[0] as string;
/** Another record, whose hash was derived on import: its evidence stays intact. */
const OTHER = recordWith(sample, "request_hash_null");
const WRONG = "0123456789abcdef".repeat(4);

describe("a v1 hash that does not match its content", () => {
  const root = tempDir("rmos-v1-hash-");
  const from = path.join(root, "v1");
  const dataDir = path.join(root, "data");
  let report: ImportReport;
  let trueHash: string;

  before(async () => {
    copyStore(SAMPLE_DIR, from);
    const file = path.join(from, "runs.json");
    const raw = (await rawRecords(file)).get(VICTIM)?.toString("utf8") as string;
    trueHash = JSON.parse(raw).request_hash;
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.replace(raw, raw.replace(trueHash, WRONG)));
    assert.equal((await v1HashOracle(file)).get(VICTIM)?.feasibility, trueHash, "the content still hashes as before");
    const r = await migrate(from, dataDir);
    assert.equal(r.code, 0);
    report = r.report;
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("is imported, kept verbatim, flagged and recorded", async () => {
    assert.deepEqual(report.flagged_runs.find((f) => f.run_id === VICTIM)?.flags, ["legacy_hash_mismatch"]);
    await withKernel(dataDir, async (t) => {
      const a = (await t.kernel.resolve(RUN_STORE).get(VICTIM))?.artifact as Json;
      assert.equal(a.hashes.feasibility_sha256, WRONG, "not silently fixed");
      const p = a.provenance as V1Provenance;
      assert.deepEqual(p.legacy_hash_mismatches, [{ member: "request_hash", stored: WRONG, recomputed: trueHash }]);
      assert.match(p.notes.join("\n"), /v1 request_hash does not match its content .*kept verbatim and flagged/);
    });
  });

  test("verification passes, saying the mismatch was recorded on import and flagged", async () => {
    await withKernel(dataDir, async (t) => {
      const body = (await (await t.request(`runs/${VICTIM}/verify`)).json()) as { ok: boolean; checks: Json[] };
      assert.equal(body.ok, true, JSON.stringify(body.checks));
      const f = body.checks.find((c) => c.name === "feasibility_sha256");
      assert.match(f?.detail, /never matched its content .*recorded on import and flagged legacy_hash_mismatch/);
    });
    assert.equal((await account("verify", from, dataDir)).code, 0);
  });

  test("a changed byte in the kept original record fails GET /runs/{id}/verify and v1 verify", async () => {
    const backup = path.join(dataDir, "v1-import", "backups", `runs-${report.runs_json.sha256}.json`);
    const bytes = fs.readFileSync(backup);
    const at = bytes.indexOf(`"${WRONG}"`) + 1;
    bytes[at] = "f".charCodeAt(0);
    fs.chmodSync(backup, 0o644);
    fs.writeFileSync(backup, bytes);
    await withKernel(dataDir, async (t) => {
      const body = (await (await t.request(`runs/${VICTIM}/verify`)).json()) as { ok: boolean; checks: Json[] };
      assert.equal(body.ok, false);
      const check = body.checks.find((c) => c.name === "v1_record");
      assert.equal(check?.ok, false);
      assert.match(check?.detail, /hash to [0-9a-f]{64}, not the imported record's/);
      const other = (await (await t.request(`runs/${OTHER}/verify`)).json()) as { ok: boolean };
      assert.equal(other.ok, true, "the other records' bytes are still intact");
    });
    const verify = await account("verify", from, dataDir);
    assert.equal(verify.code, 1);
    assert.deepEqual(
      verify.report.evidence_failures.map((e) => e.run_id),
      [VICTIM],
    );
  });
});
