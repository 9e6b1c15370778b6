/**
 * The import of stores made by the reference generator (../shared/tools/gen_v1_store.py)
 * with several seeds: every record lands as SPEC says (against JSON.parse and Python),
 * the counts add up, a re-run imports nothing, and `v1 verify` passes. One clean store
 * (--no-dirty) imports with nothing kept aside, flagged or noted.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { GENERATOR, HAS_PYTHON, generateStore } from "../../src/plugins/v1-compat/v1_test_support.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import { account, assertLandsAsSpecSays, migrate } from "./support.js";

const COUNT = 300;

describe("import of generated v1 stores", { skip: HAS_PYTHON ? false : "python3 is not available" }, () => {
  const root = tempDir("rmos-v1-gen-");
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const seed of [101, 202, 303]) {
    test(`seed ${seed}, ${COUNT} records: lands as SPEC says, counts add up, re-run imports nothing, verify passes`, async () => {
      const from = path.dirname(generateStore(path.join(root, `v1-${seed}`), COUNT, seed));
      const dataDir = path.join(root, `data-${seed}`);
      const first = await migrate(from, dataDir);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.report.total, COUNT);
      assert.ok(first.report.failed >= 1, "the generator always writes a record without feasibility");
      assert.ok(first.report.flagged >= 2, "a disagreeing run_id and a lost blob");
      await assertLandsAsSpecSays(from, dataDir, first.report);

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

  test("a store without dirty records: everything imported, nothing flagged, noted or kept aside", async () => {
    const from = path.join(root, "v1-clean");
    execFileSync("python3", [GENERATOR, from, "--count", "120", "--seed", "5", "--no-dirty"]);
    const dataDir = path.join(root, "data-clean");
    const { code, report } = await migrate(from, dataDir);
    assert.equal(code, 0);
    assert.deepEqual([report.total, report.imported, report.failed, report.flagged, report.noted], [120, 120, 0, 0, 0]);
    await assertLandsAsSpecSays(from, dataDir, report);
  });
});
