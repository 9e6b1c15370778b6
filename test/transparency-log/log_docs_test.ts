/**
 * The documentation's example is true: the receipt printed in
 * docs/plugins/transparency-log.md verifies offline with the verifier key printed
 * there, and the same receipt with one changed character of its leaf does not; the
 * standalone script printed there accepts it and refuses tampered copies.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { generateSigner, verifierKeyOf } from "../../src/contracts/tlog/note_keys.js";
import { verifyReceipt } from "../../src/contracts/tlog/receipt.js";
import { REPO_ROOT } from "../../src/testing/paths.js";
import { tempDir } from "../../src/testing/test_kernel.js";

const execFileAsync = promisify(execFile);

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

test("the docs' standalone verify-receipt.mjs (node:crypto only) accepts the example and refuses tampered copies", async () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "plugins", "transparency-log.md"), "utf8");
  const script = /```js\n(\/\/ verify-receipt\.mjs[\s\S]*?)```/.exec(doc)?.[1];
  const key = /`(rmos\.localhost\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+)`/.exec(doc)?.[1];
  const block = /```json\n(\{\n {2}"leaf_index"[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(script && key && block);
  const dir = tempDir("rmos-log-docs-");
  try {
    fs.writeFileSync(path.join(dir, "verify-receipt.mjs"), script);
    const receipt = JSON.parse(block) as { leaf: string; leaf_index: number; inclusion_proof: string[] };
    const run = async (value: unknown, verifierKey = key) => {
      fs.writeFileSync(path.join(dir, "receipt.json"), JSON.stringify(value));
      return execFileAsync(process.execPath, [
        path.join(dir, "verify-receipt.mjs"),
        path.join(dir, "receipt.json"),
        verifierKey,
      ]).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    };
    const ok = await run(receipt);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /^valid: run run_01JD0Q3ZK9N8M6T5R4P3Q2W1X4/);
    for (const bad of [
      { ...receipt, leaf: receipt.leaf.replace("3f7d", "3f7e") },
      { ...receipt, leaf_index: 5 },
      { ...receipt, inclusion_proof: receipt.inclusion_proof.slice(1) },
      { ...receipt, inclusion_proof: [...receipt.inclusion_proof].reverse() },
    ]) {
      const res = await run(bad);
      assert.equal(res.code, 1, res.out);
      assert.match(res.out, /^NOT valid/);
    }
    const other = verifierKeyOf(generateSigner("rmos.localhost/log").signer);
    assert.equal((await run(receipt, other)).code, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
