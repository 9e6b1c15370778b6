/**
 * The documentation's example is true: the receipt printed in
 * docs/plugins/transparency-log.md verifies offline with the verifier key printed
 * there, and the same receipt with one changed character of its leaf does not.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { verifyReceipt } from "../../src/contracts/tlog/receipt.js";
import { REPO_ROOT } from "../../src/testing/paths.js";

test("the docs' example receipt verifies with the docs' verifier key, and a tampered copy does not", () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "plugins", "transparency-log.md"), "utf8");
  const key = /`(rmos\.localhost\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+)`/.exec(doc)?.[1];
  const block = /```json\n(\{\n {2}"leaf_index"[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(key && block, "the example key and receipt are in the doc");
  const receipt = JSON.parse(block) as { leaf: string };
  const ok = verifyReceipt(receipt, key);
  assert.ok(ok.ok, ok.ok ? "" : ok.reason);
  const tampered = { ...receipt, leaf: receipt.leaf.replace("3f7d", "3f7e") };
  assert.equal(verifyReceipt(tampered, key).ok, false);
  const checkpoint = /```\n(rmos\.localhost\/log\n6\n[\s\S]*?)```/.exec(doc)?.[1];
  assert.equal(
    checkpoint,
    (receipt as unknown as { checkpoint: string }).checkpoint,
    "the checkpoint shown is the receipt's",
  );
});
