/**
 * The contract-test kit of the transparency log port:
 * `transparencyLogContract(name, factory)` registers node:test suites that every
 * {@link TransparencyLog} backend must pass — the embedded SQLite store today, a
 * PostgreSQL one later — checked only through the port and the offline verifiers of
 * src/contracts/tlog, so that a backend cannot pass by agreeing with itself.
 *
 * What it checks: indexes are gap-free and in order; the same leaf again answers its
 * index; another sha256 for a (type, id) is refused with nothing of the batch
 * appended; invalid leaves are refused; concurrent appends get distinct indexes; the
 * signed checkpoint verifies with the verifier key and its root is the RFC 9162 root
 * of the streamed leaves; proofs at every index of several sizes (across tile
 * boundaries) verify; consistency proofs from every earlier checkpoint verify;
 * impossible proofs are LogRangeErrors; receipts are pending until signed, then
 * verify offline; the audit of an untouched log is clean; announced leaves are
 * listed until appended or forgotten.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LeafConflictError, LogRangeError, type TransparencyLog } from "../ports/transparency_log.js";
import { decodeBase64Strict } from "../tlog/base64.js";
import { parseCheckpoint } from "../tlog/checkpoint.js";
import { leafHash } from "../tlog/hashing.js";
import type { LogLeaf } from "../tlog/leaf.js";
import { parseVerifierKey } from "../tlog/note_keys.js";
import { verifyReceipt } from "../tlog/receipt.js";
import { openNote } from "../tlog/signed_note.js";
import { nodeSourceOfLeafHashes, rangeHash } from "../tlog/tree_hash.js";
import { verifyConsistency } from "../tlog/verify_consistency.js";
import { verifyInclusion } from "../tlog/verify_inclusion.js";

/** A log under test. */
export interface TransparencyLogFixture {
  readonly log: TransparencyLog;
  /** Releases the log and what it stored. */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty, opened log. */
export type TransparencyLogFactory = () => Promise<TransparencyLogFixture>;

/** A valid leaf numbered `i` (`tag` keeps ids of different tests apart). */
export function sampleLeaf(i: number, tag = "c", type: LogLeaf["type"] = "run"): LogLeaf {
  return {
    type,
    id: `${tag}_${i}`,
    sha256: (i + 1).toString(16).padStart(64, "0"),
    created_at_utc: "2026-11-05T08:00:00.000Z",
  };
}

async function withLog(factory: TransparencyLogFactory, body: (log: TransparencyLog) => Promise<void>): Promise<void> {
  const fx = await factory();
  try {
    await body(fx.log);
  } finally {
    await fx.dispose();
  }
}

async function openedCheckpoint(log: TransparencyLog) {
  const key = parseVerifierKey(log.verifierKey);
  assert.ok(key.ok, key.ok ? "" : key.reason);
  const signed = await log.signNow();
  const opened = openNote(signed.note, [key.verifier]);
  assert.ok(opened.ok, opened.ok ? "" : opened.reason);
  const parsed = parseCheckpoint(opened.text);
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
  assert.equal(parsed.checkpoint.origin, log.origin);
  return parsed.checkpoint;
}

/** Registers the contract suites for one backend. */
export function transparencyLogContract(name: string, factory: TransparencyLogFactory): void {
  describe(`transparency log contract: ${name}`, () => {
    test("indexes are gap-free and in order; a repeat answers its index; a conflict appends nothing", () =>
      withLog(factory, async (log) => {
        const a = await log.append([sampleLeaf(0), sampleLeaf(1)]);
        assert.deepEqual(
          a.map((r) => r.leaf_index),
          [0, 1],
        );
        const b = await log.append([sampleLeaf(2), sampleLeaf(0)]);
        assert.deepEqual(b, [
          { leaf_index: 2, created: true },
          { leaf_index: 0, created: false },
        ]);
        await assert.rejects(
          log.append([sampleLeaf(3), { ...sampleLeaf(1), sha256: "d".repeat(64) }]),
          LeafConflictError,
        );
        await assert.rejects(log.append([{ ...sampleLeaf(4), type: "blob" as LogLeaf["type"] }]), RangeError);
        assert.equal(await log.size(), 3);
        assert.equal(await log.indexOf("run", "c_3"), undefined);
        assert.equal(await log.indexOf("run", "c_2"), 2);
      }));

    test("announced leaves are listed by type until appended or forgotten; announcing appends nothing", () =>
      withLog(factory, async (log) => {
        const asset = sampleLeaf(0, "adv", "advisory_asset");
        const other = sampleLeaf(1, "adv", "advisory_asset");
        await log.announce([asset, other, sampleLeaf(2, "r")]);
        assert.equal(await log.size(), 0, "an intent is not a leaf");
        assert.deepEqual(await log.announced("advisory_asset"), [asset, other]);
        await log.append([asset]);
        assert.deepEqual(await log.announced("advisory_asset"), [other], "appending removes the intent");
        await log.forget("advisory_asset", [other.id]);
        assert.deepEqual(await log.announced("advisory_asset"), []);
        assert.deepEqual(await log.announced("run"), [sampleLeaf(2, "r")]);
        await assert.rejects(log.announce([{ ...asset, sha256: "nope" }]), RangeError);
      }));

    test("concurrent appends get distinct, gap-free indexes", () =>
      withLog(factory, async (log) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, w) =>
            log.append(Array.from({ length: 7 }, (_, i) => sampleLeaf(w * 7 + i, "w"))),
          ),
        );
        const indexes = results.flat().map((r) => r.leaf_index);
        assert.deepEqual(
          [...indexes].sort((x, y) => x - y),
          Array.from({ length: 140 }, (_, i) => i),
        );
      }));

    test("the signed checkpoint's root is the RFC 9162 root of the streamed leaves; proofs verify", () =>
      withLog(factory, async (log) => {
        const checkpoints: Array<{ size: number; root: Uint8Array }> = [];
        const hashes: Uint8Array[] = [];
        for (const target of [1, 255, 256, 257, 520]) {
          const size = await log.size();
          await log.append(Array.from({ length: target - size }, (_, i) => sampleLeaf(size + i)));
          const c = await openedCheckpoint(log);
          assert.equal(c.size, target);
          hashes.length = 0;
          for await (const l of log.leaves()) {
            assert.equal(l.leaf_index, hashes.length);
            hashes.push(leafHash(l.text));
          }
          const reference = nodeSourceOfLeafHashes(hashes);
          assert.deepEqual(Buffer.from(c.root), Buffer.from(rangeHash(0, target, reference)));
          for (let index = 0; index < target; index += Math.max(1, Math.floor(target / 40))) {
            const proof = await log.inclusionProof(index, target);
            assert.ok(
              verifyInclusion(index, target, hashes[index] as Uint8Array, proof, c.root).ok,
              `${index}/${target}`,
            );
          }
          for (const old of checkpoints) {
            const proof = await log.consistencyProof(old.size, target);
            assert.ok(verifyConsistency(old.size, target, old.root, c.root, proof).ok, `${old.size}→${target}`);
          }
          checkpoints.push({ size: target, root: c.root });
        }
        await assert.rejects(log.inclusionProof(520, 520), LogRangeError);
        await assert.rejects(log.inclusionProof(0, 521), (e: unknown) => e instanceof LogRangeError && e.beyondLog);
        await assert.rejects(log.consistencyProof(3, 2), LogRangeError);
        const audit = await log.audit();
        assert.ok(audit.ok, JSON.stringify(audit.problems.slice(0, 3)));
        assert.ok(audit.checkpoints >= checkpoints.length);
      }));

    test("a receipt is pending until a signed checkpoint covers it, then verifies offline", () =>
      withLog(factory, async (log) => {
        await log.signNow();
        assert.deepEqual(await log.receipt("advisory_link", "nope"), { status: "unknown" });
        await log.append([sampleLeaf(0, "r", "advisory_link")]);
        const latest = await log.latestCheckpoint();
        const answer = await log.receipt("advisory_link", "r_0");
        if (latest.size === 0) {
          assert.equal(answer.status, "pending");
          if (answer.status === "pending") assert.ok(answer.retry_after_ms > 0);
        }
        await log.signNow();
        const covered = await log.receipt("advisory_link", "r_0");
        assert.equal(covered.status, "ok");
        if (covered.status !== "ok") return;
        const result = verifyReceipt(covered.receipt, log.verifierKey);
        assert.ok(result.ok, result.ok ? "" : result.reason);
        assert.deepEqual(result.leaf, sampleLeaf(0, "r", "advisory_link"));
        const found = await log.leafOf("advisory_link", "r_0");
        assert.equal(found?.text, covered.receipt.leaf);
        assert.deepEqual(decodeBase64Strict((await log.latestCheckpoint()).root)?.length, 32);
      }));
  });
}
