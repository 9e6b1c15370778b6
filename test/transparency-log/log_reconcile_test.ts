/**
 * reconcileWithLog on a real embedded log: records that match their leaves are
 * clean; an edited record, a record inserted without a leaf and a deleted record are
 * each named; leaves of types not checked are left alone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type RecordDigest, reconcileWithLog } from "../../src/contracts/log_reconcile.js";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

const sha = (i: number) => i.toString(16).padStart(64, "0");

test("reconcileWithLog names edited, inserted and deleted records", async () => {
  const t = await startTestKernel({ plugins: [transparencyLogPlugin] });
  try {
    const log = t.kernel.resolve(TRANSPARENCY_LOG);
    const runs: RecordDigest[] = Array.from({ length: 50 }, (_, i) => ({
      type: "run",
      id: `run_${i}`,
      sha256: sha(i),
    }));
    await log.append(runs.map((r) => ({ ...r, created_at_utc: "2026-11-08T00:00:00Z" })));
    await log.append([
      { type: "advisory_asset", id: "adv_1", sha256: sha(999), created_at_utc: "2026-11-08T00:00:00Z" },
    ]);

    const clean = await reconcileWithLog(log, runs, { types: ["run"] });
    assert.deepEqual(
      { ok: clean.ok, records: clean.records, leaves: clean.leaves },
      { ok: true, records: 50, leaves: 50 },
    );

    const tampered = runs
      .filter((r) => r.id !== "run_7") // deleted behind the service's back
      .map((r) => (r.id === "run_3" ? { ...r, sha256: sha(12345) } : r)) // edited
      .concat([{ type: "run", id: "run_slipped_in", sha256: sha(4242) }]); // inserted
    async function* stream() {
      yield* tampered;
    }
    const report = await reconcileWithLog(log, stream(), { types: ["run"] });
    assert.equal(report.ok, false);
    assert.deepEqual(report.edited, [
      { type: "run", id: "run_3", leaf_index: 3, log_sha256: sha(3), record_sha256: sha(12345) },
    ]);
    assert.deepEqual(report.notInLog, [{ type: "run", id: "run_slipped_in", sha256: sha(4242) }]);
    assert.deepEqual(report.deleted, [{ type: "run", id: "run_7", leaf_index: 7 }]);

    const limited = await reconcileWithLog(log, [], { types: ["run", "advisory_asset"], limit: 2 });
    assert.equal(limited.ok, false);
    assert.equal(limited.deleted.length, 2, "lists are capped; ok still counts everything");
  } finally {
    await t.close();
  }
});
