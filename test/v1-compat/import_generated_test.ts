/**
 * The import of stores made by the project's v1 store generator with several seeds:
 * every record lands as the v1 mapping says (against JSON.parse and Python), the counts
 * add up to what the generator reports it wrote (the records without feasibility kept
 * aside, the disagreeing run_id and the lost blob flagged), a re-run imports nothing,
 * and `v1 verify` passes. One clean store (dirty: false) imports with nothing kept
 * aside, flagged or noted.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { generateV1Store } from "../../src/plugins/v1-compat/testing/v1_store_generator.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import { account, assertLandsAsSpecSays, expectedFlagged, migrate } from "./support.js";

const COUNT = 300;

describe("import of generated v1 stores", () => {
  const root = tempDir("rmos-v1-gen-");
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const seed of [101, 202, 303]) {
    test(`seed ${seed}, ${COUNT} records: lands as the mapping says, counts add up, re-run imports nothing, verify passes`, async (t) => {
      const generated = generateV1Store(path.join(root, `v1-${seed}`), { count: COUNT, seed });
      const from = generated.dir;
      const dataDir = path.join(root, `data-${seed}`);
      const first = await migrate(from, dataDir);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.report.total, COUNT);
      assert.deepEqual(
        first.report.failures.map((f) => f.key),
        generated.cases.feasibility_missing,
        "the records without feasibility are kept aside",
      );
      assert.deepEqual(
        new Set(first.report.flagged_runs.map((f) => f.run_id)),
        expectedFlagged(generated),
        "a disagreeing run_id and a lost blob are flagged",
      );
      await assertLandsAsSpecSays(from, dataDir, first.report, t);

      const again = await migrate(from, dataDir);
      assert.equal(again.code, 0);
      assert.equal(again.report.imported, 0, "nothing imported twice");
      assert.equal(again.report.already_present, first.report.imported);
      assert.equal(again.report.failed, first.report.failed);

      const verify = await account("verify", from, dataDir);
      assert.equal(verify.code, 0, JSON.stringify(verify.report.unaccounted_records));
      assert.equal(verify.report.imported + verify.report.kept_aside, COUNT);
    });
  }

  test("a store without dirty records: everything imported, nothing flagged, noted or kept aside", async (t) => {
    const from = generateV1Store(path.join(root, "v1-clean"), { count: 120, seed: 5, dirty: false }).dir;
    const dataDir = path.join(root, "data-clean");
    const { code, report } = await migrate(from, dataDir);
    assert.equal(code, 0);
    assert.deepEqual([report.total, report.imported, report.failed, report.flagged, report.noted], [120, 120, 0, 0, 0]);
    await assertLandsAsSpecSays(from, dataDir, report, t);
  });
});
