/**
 * Tests of offline receipt verification: a receipt built from a signed checkpoint
 * over an in-memory tree verifies with the log's verifier key; every tampering is
 * refused with a reason — another key, a checkpoint whose origin is not the key's
 * name, a changed or non-canonical leaf, a wrong index, a flipped, extra or missing
 * proof hash, a checkpoint for another size, an unsigned or truncated checkpoint.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeBase64 } from "./base64.js";
import { formatCheckpoint } from "./checkpoint.js";
import { leafHash } from "./hashing.js";
import { inclusionProof } from "./inclusion_proof.js";
import { type LogLeaf, leafText } from "./leaf.js";
import { generateSigner, type NoteSigner, verifierKeyOf } from "./note_keys.js";
import { type Receipt, verifyReceipt } from "./receipt.js";
import { signNote } from "./signed_note.js";
import { nodeSourceOfLeafHashes, rangeHash } from "./tree_hash.js";

const ORIGIN = "rmos.test/log";
const { signer } = generateSigner(ORIGIN);
const KEY = verifierKeyOf(signer);

const leaves: LogLeaf[] = Array.from({ length: 13 }, (_, i) => ({
  type: i % 2 === 0 ? "run" : "advisory_asset",
  id: `rec_${i}`,
  sha256: i.toString(16).padStart(64, "0"),
  created_at_utc: `2026-11-01T00:00:${String(i).padStart(2, "0")}Z`,
}));
const texts = leaves.map(leafText);
const source = nodeSourceOfLeafHashes(texts.map((t) => leafHash(t)));

function checkpointFor(size: number, by: NoteSigner = signer): string {
  return signNote(formatCheckpoint({ origin: ORIGIN, size, root: rangeHash(0, size, source) }), by);
}

function receiptFor(index: number, size = leaves.length): Receipt {
  return {
    leaf_index: index,
    leaf: texts[index] as string,
    inclusion_proof: inclusionProof(index, size, source).map(encodeBase64),
    checkpoint: checkpointFor(size),
  };
}

function refused(receipt: unknown, pattern: RegExp, key = KEY): void {
  const result = verifyReceipt(receipt, key);
  assert.equal(result.ok, false, `expected a refusal matching ${pattern}`);
  assert.match(result.ok ? "" : result.reason, pattern);
}

describe("verifyReceipt", () => {
  test("a receipt verifies with the verifier key, for every leaf", () => {
    for (let i = 0; i < leaves.length; i++) {
      const result = verifyReceipt(receiptFor(i), KEY);
      assert.ok(result.ok, result.ok ? "" : result.reason);
      assert.deepEqual(result.leaf, leaves[i]);
      assert.equal(result.checkpoint.size, leaves.length);
    }
  });

  test("another key, or a checkpoint from another origin, is refused", () => {
    const other = generateSigner(ORIGIN).signer;
    refused(receiptFor(3), /checkpoint signature/, verifierKeyOf(other));
    refused({ ...receiptFor(3), checkpoint: checkpointFor(13, other) }, /no signature by a known key/);
    const mislabelled = signNote(
      formatCheckpoint({ origin: "other.origin", size: 13, root: rangeHash(0, 13, source) }),
      signer,
    );
    refused({ ...receiptFor(3), checkpoint: mislabelled }, /origin other\.origin is not the key's name/);
    refused(receiptFor(3), /verifier key/, "not a key");
  });

  test("a changed or non-canonical leaf is refused", () => {
    const r = receiptFor(4);
    refused({ ...r, leaf: r.leaf.replace(leaves[4]?.sha256 as string, "f".repeat(64)) }, /inclusion/);
    refused({ ...r, leaf: JSON.stringify(leaves[4]) }, /canonical/);
    refused({ ...r, leaf: texts[5] }, /inclusion/);
  });

  test("a wrong index, or an index beyond the checkpoint, is refused", () => {
    const r = receiptFor(4);
    refused({ ...r, leaf_index: 5 }, /inclusion/);
    refused({ ...r, leaf_index: 13 }, /not below the tree size/);
    refused({ ...r, leaf_index: -1 }, /leaf_index/);
    refused({ ...r, leaf_index: 1.5 }, /leaf_index/);
  });

  test("a flipped, extra or missing proof hash is refused", () => {
    const r = receiptFor(6);
    const flippedFirst = Buffer.from(r.inclusion_proof[0] as string, "base64");
    flippedFirst[0] = (flippedFirst[0] as number) ^ 1;
    refused({ ...r, inclusion_proof: [flippedFirst.toString("base64"), ...r.inclusion_proof.slice(1)] }, /inclusion/);
    refused({ ...r, inclusion_proof: [...r.inclusion_proof, r.inclusion_proof[0]] }, /more than/);
    refused({ ...r, inclusion_proof: r.inclusion_proof.slice(0, -1) }, /fewer than/);
    refused({ ...r, inclusion_proof: ["AAAA"] }, /32-byte/);
    refused({ ...r, inclusion_proof: "x" }, /inclusion_proof/);
  });

  test("a proof for another size, an unsigned or truncated checkpoint is refused", () => {
    const r = receiptFor(2);
    refused({ ...r, checkpoint: checkpointFor(12) }, /inclusion/);
    refused(
      { ...r, checkpoint: formatCheckpoint({ origin: ORIGIN, size: 13, root: rangeHash(0, 13, source) }) },
      /signature/,
    );
    refused({ ...r, checkpoint: r.checkpoint.slice(0, 40) }, /signature/);
    refused({ ...r, checkpoint: r.checkpoint.replace("\n13\n", "\n013\n") }, /signature/);
    refused(null, /not a JSON object/);
    refused({ ...r, checkpoint: undefined }, /checkpoint/);
  });
});
