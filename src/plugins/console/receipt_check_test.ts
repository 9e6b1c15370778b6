/**
 * The console's use of the repository's log verification (src/contracts/tlog, whose
 * own tests cover the proofs and notes): receipts of a small log built here with that
 * toolkit. A genuine receipt passes every check the run page shows; a receipt for
 * another run, a run whose served bytes differ from the leaf, a changed leaf, a forged
 * checkpoint or a missing key fail naming their check; the latest checkpoint must be
 * signed by the same key and extend the receipt's (a consistency proof when it grew),
 * and is refused when smaller, unreadable, signed by another key, or when the proof
 * does not hold.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import { encodeBase64 } from "../../contracts/tlog/base64.js";
import { formatCheckpoint } from "../../contracts/tlog/checkpoint.js";
import { consistencyProof } from "../../contracts/tlog/consistency_proof.js";
import { leafHash } from "../../contracts/tlog/hashing.js";
import { inclusionProof } from "../../contracts/tlog/inclusion_proof.js";
import { leafText } from "../../contracts/tlog/leaf.js";
import { generateSigner, verifierKeyOf } from "../../contracts/tlog/note_keys.js";
import { signNote } from "../../contracts/tlog/signed_note.js";
import { nodeSourceOfLeafHashes, rangeHash } from "../../contracts/tlog/tree_hash.js";
import { checkReceipt, type LatestLog, openLatest, receiptSize } from "./receipt_check.js";

const ORIGIN = "rmos.test/log";
const { signer } = generateSigner(ORIGIN);
const KEY = verifierKeyOf(signer);
const other = generateSigner(ORIGIN).signer;

const runId = (i: number) => `run_${String(i).padStart(26, "0")}`;
const bytesOf = (i: number) => `{"run":${i}}`;
const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const leaves = Array.from({ length: 20 }, (_, i) =>
  leafText({ type: "run", id: runId(i), sha256: sha(bytesOf(i)), created_at_utc: "2026-12-02T00:00:00.000Z" }),
);
const source = nodeSourceOfLeafHashes(leaves.map((l) => leafHash(l)));
const rootOf = (size: number) => rangeHash(0, size, source);
const note = (size: number, by = signer) =>
  signNote(formatCheckpoint({ origin: ORIGIN, size, root: rootOf(size) }), by);

function receipt(index: number, size: number) {
  return {
    leaf_index: index,
    leaf: leaves[index] as string,
    inclusion_proof: inclusionProof(index, size, source).map(encodeBase64),
    checkpoint: note(size),
  };
}

function latestAt(from: number, to: number, by = signer): LatestLog {
  return {
    checkpoint: note(to, by),
    consistency: from === to ? null : consistencyProof(from, to, source).map(encodeBase64),
  };
}

const failing = (r: ReturnType<typeof checkReceipt>) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe("the console's receipt check (on src/contracts/tlog)", () => {
  it("a genuine receipt passes every check, with the log still at its size or grown", () => {
    const r = receipt(5, 11);
    const same = checkReceipt(runId(5), r, KEY, latestAt(11, 11), sha(bytesOf(5)));
    assert.equal(same.ok, true, JSON.stringify(same.checks));
    assert.deepEqual(
      same.checks.map((c) => c.name),
      ["receipt", "leaf", "record", "latest checkpoint"],
    );
    assert.equal(same.size, 11);
    assert.equal(same.origin, ORIGIN);
    assert.equal(same.root, Buffer.from(rootOf(11)).toString("hex"));
    const grown = checkReceipt(runId(5), r, KEY, latestAt(11, 17), sha(bytesOf(5)));
    assert.equal(grown.ok, true, JSON.stringify(grown.checks));
    assert.match(grown.checks[3]?.detail ?? "", /grown to 17 entries/);
  });

  it("names the failing check for each kind of tampering", () => {
    const r = receipt(3, 8);
    const latest = latestAt(8, 8);
    const served = sha(bytesOf(3));
    assert.deepEqual(failing(checkReceipt(runId(4), r, KEY, latest, served)), ["leaf"]);
    assert.deepEqual(failing(checkReceipt(runId(3), r, KEY, latest, sha("changed"))), ["record"]);
    assert.deepEqual(failing(checkReceipt(runId(3), r, KEY, latest, null)), ["record"]);
    const changedLeaf = { ...r, leaf: (leaves[3] as string).replace("2026-12-02", "2026-12-03") };
    assert.deepEqual(failing(checkReceipt(runId(3), changedLeaf, KEY, latest, served)), ["receipt"]);
    assert.deepEqual(failing(checkReceipt(runId(3), { ...r, leaf_index: 2 }, KEY, latest, served)), ["receipt"]);
    const forged = { ...r, checkpoint: note(8, other) };
    const refused = checkReceipt(runId(3), forged, KEY, latest, served);
    assert.deepEqual(failing(refused), ["receipt"]);
    assert.match(refused.checks[0]?.detail ?? "", /signature/);
    assert.deepEqual(failing(checkReceipt(runId(3), r, null, latest, served)), ["receipt"]);
    assert.deepEqual(failing(checkReceipt(runId(3), "not a receipt", KEY, latest, served)), ["receipt"]);
  });

  it("the latest checkpoint must be signed by the key and extend the receipt's", () => {
    const r = receipt(3, 8);
    const served = sha(bytesOf(3));
    const latestOf = (l: LatestLog) => failing(checkReceipt(runId(3), r, KEY, l, served));
    assert.deepEqual(latestOf({ checkpoint: note(6), consistency: null }), ["latest checkpoint"], "smaller");
    assert.deepEqual(latestOf({ checkpoint: null, consistency: null }), ["latest checkpoint"], "unreadable");
    assert.deepEqual(latestOf(latestAt(8, 12, other)), ["latest checkpoint"], "another key");
    assert.deepEqual(latestOf({ checkpoint: note(12), consistency: null }), ["latest checkpoint"], "no proof");
    const wrong = consistencyProof(8, 12, source).map(encodeBase64);
    wrong[0] = encodeBase64(new Uint8Array(32));
    assert.deepEqual(latestOf({ checkpoint: note(12), consistency: wrong }), ["latest checkpoint"], "a wrong proof");
    assert.deepEqual(latestOf({ checkpoint: note(12), consistency: ["%%%"] }), ["latest checkpoint"], "not base64");
  });

  it("receiptSize and openLatest answer only for what verifies", () => {
    assert.equal(receiptSize(receipt(1, 9), KEY), 9);
    assert.equal(receiptSize({ ...receipt(1, 9), checkpoint: note(9, other) }, KEY), null);
    assert.equal(receiptSize(receipt(1, 9), null), null);
    const opened = openLatest(note(9), KEY);
    assert.ok(opened.ok && opened.checkpoint.size === 9);
    assert.equal(openLatest(note(9, other), KEY).ok, false);
    assert.equal(openLatest("hello", KEY).ok, false);
  });
});
