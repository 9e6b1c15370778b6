/**
 * The console's receipt check against a log built here by the RFC 9162 definitions: a
 * Merkle tree of canonical leaves, inclusion proofs computed by the spec's PATH, a C2SP
 * checkpoint signed with Ed25519 and its note verifier key. Every proof of every leaf
 * in trees of 1..17 leaves verifies; a changed leaf, proof, index, key, signature or a
 * shrunken latest checkpoint is reported as failing, naming the check.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import {
  checkReceipt,
  leafHash,
  nodeHash,
  parseCheckpoint,
  type Receipt,
  rootFromInclusionProof,
} from "./receipt_check.js";

function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leafHash(leaves[0] as Buffer);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const ORIGIN = "rmos.test/log";
const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
const rawPublic = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
const keyId = crypto
  .createHash("sha256")
  .update(Buffer.concat([Buffer.from(`${ORIGIN}\n`), Buffer.from([1]), rawPublic]))
  .digest()
  .subarray(0, 4);
const VERIFIER_KEY = `${ORIGIN}+${keyId.toString("hex")}+${Buffer.concat([Buffer.from([1]), rawPublic]).toString("base64")}`;

function checkpoint(size: number, root: Buffer, signer = privateKey): string {
  const body = `${ORIGIN}\n${size}\n${root.toString("base64")}\n`;
  const sig = crypto.sign(null, Buffer.from(body), signer);
  return `${body}\n\u2014 ${ORIGIN} ${Buffer.concat([keyId, sig]).toString("base64")}\n`;
}

function leafFor(i: number): string {
  return JSON.stringify({
    created_at_utc: "2026-12-02T00:00:00.000Z",
    id: `run_${String(i).padStart(12, "0")}`,
    sha256: "ab".repeat(32),
    type: "run",
  });
}

function receiptFor(index: number, size: number): { receipt: Receipt; runId: string; cp: string } {
  const leaves = Array.from({ length: size }, (_, i) => Buffer.from(leafFor(i)));
  const cp = checkpoint(size, mth(leaves));
  return {
    runId: `run_${String(index).padStart(12, "0")}`,
    cp,
    receipt: {
      leaf_index: index,
      leaf: leafFor(index),
      inclusion_proof: path(index, leaves).map((h) => h.toString("base64")),
      checkpoint: cp,
    },
  };
}

describe("receipt check", () => {
  it("every inclusion proof in trees of 1..17 leaves leads to the root", () => {
    for (let size = 1; size <= 17; size++) {
      const leaves = Array.from({ length: size }, (_, i) => Buffer.from(leafFor(i)));
      const root = mth(leaves);
      for (let i = 0; i < size; i++) {
        assert.ok(rootFromInclusionProof(i, size, leaves[i] as Buffer, path(i, leaves))?.equals(root), `${i}/${size}`);
      }
    }
  });

  it("a genuine receipt passes all checks", () => {
    const { receipt, runId, cp } = receiptFor(5, 11);
    const result = checkReceipt(runId, receipt, VERIFIER_KEY, cp);
    assert.equal(result.ok, true, JSON.stringify(result.checks));
    assert.deepEqual(
      result.checks.map((c) => c.name),
      ["leaf", "inclusion", "signature", "latest checkpoint"],
    );
    assert.equal(result.size, 11);
    assert.equal(result.origin, ORIGIN);
    assert.equal(parseCheckpoint(cp)?.size, 11);
  });

  it("names the failing check for each kind of tampering", () => {
    const { receipt, runId, cp } = receiptFor(3, 8);
    const failing = (r: Receipt, id = runId, key = VERIFIER_KEY, latest: string | null = cp) =>
      checkReceipt(id, r, key, latest)
        .checks.filter((c) => !c.ok)
        .map((c) => c.name);
    assert.deepEqual(failing(receipt, "run_000000000004"), ["leaf"]);
    assert.deepEqual(failing({ ...receipt, leaf: receipt.leaf.replace("abab", "abac") }), ["inclusion"]);
    assert.deepEqual(failing({ ...receipt, leaf_index: 2 }), ["inclusion"]);
    const proof = [...receipt.inclusion_proof];
    proof[0] = Buffer.alloc(32).toString("base64");
    assert.deepEqual(failing({ ...receipt, inclusion_proof: proof }), ["inclusion"]);
    assert.deepEqual(failing({ ...receipt, inclusion_proof: receipt.inclusion_proof.slice(1) }), ["inclusion"]);
    const other = crypto.generateKeyPairSync("ed25519").privateKey;
    const leaves = Array.from({ length: 8 }, (_, i) => Buffer.from(leafFor(i)));
    const forged = checkpoint(8, mth(leaves), other);
    assert.deepEqual(failing({ ...receipt, checkpoint: forged }, runId, VERIFIER_KEY, forged), ["signature"]);
    assert.deepEqual(failing(receipt, runId, VERIFIER_KEY.replace(ORIGIN, "other.log")), ["signature"]);
    const smaller = receiptFor(3, 6).cp;
    assert.deepEqual(failing(receipt, runId, VERIFIER_KEY, smaller), ["latest checkpoint"]);
    assert.deepEqual(failing(receipt, runId, VERIFIER_KEY, null), ["latest checkpoint"]);
    const bigger = receiptFor(3, 12).cp;
    assert.deepEqual(failing(receipt, runId, VERIFIER_KEY, bigger), []);
    const notANote = checkReceipt(runId, { ...receipt, checkpoint: "hello" }, VERIFIER_KEY, cp);
    assert.equal(notANote.ok, false);
    assert.ok(notANote.checks.some((c) => c.name === "checkpoint" && !c.ok));
  });
});
