/**
 * Property and known-answer tests of the Merkle tree code against a naive recursive
 * reference written straight from RFC 9162 §2.1 over arrays (MTH, PATH, SUBPROOF).
 * Known answers: the RFC 6962 reference leaves and roots of the CT test data, and
 * published proofs. Then, exhaustively for every size up to 128 (every index, every
 * pair of sizes) and for every size up to 2 000 (first, last and a random index; a
 * random earlier size), generated proofs equal the reference and verify; fast-check
 * samples more. Adversarial: a flipped byte, a wrong size, an index ≥ size, an extra
 * or a missing hash, another leaf's proof, reordered hashes — every one is refused.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { consistencyProof, consistencyProofRanges } from "./consistency_proof.js";
import { emptyRoot, leafHash, nodeHash } from "./hashing.js";
import { inclusionProof, inclusionProofRanges, ProofRequestError } from "./inclusion_proof.js";
import { nodeSourceOfLeafHashes, nodesOfRange, rangeHash } from "./tree_hash.js";
import { verifyConsistency } from "./verify_consistency.js";
import { rootFromInclusionProof, verifyInclusion } from "./verify_inclusion.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const hexes = (list: readonly Uint8Array[]) => list.map(hex);
const unhex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
/** A copy of `bytes` with bit `bit` of byte `at` flipped. */
const flipped = (bytes: Uint8Array, at: number, bit = 0x01) => {
  const copy = new Uint8Array(bytes);
  copy[at] = (copy[at] as number) ^ bit;
  return copy;
};

// ---- the naive reference, from RFC 9162 §2.1 (memoised on the range only, for speed) ----
const MAX = 2000;
const LEAVES = Array.from({ length: MAX }, (_, i) => leafHash(`leaf ${i}`));
const memo = new Map<string, Uint8Array>();
function refMth(start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return emptyRoot();
  if (n === 1) return LEAVES[start] as Uint8Array;
  const key = `${start}:${end}`;
  const cached = memo.get(key);
  if (cached) return cached;
  let k = 1;
  while (k * 2 < n) k *= 2;
  const h = nodeHash(refMth(start, start + k), refMth(start + k, end));
  memo.set(key, h);
  return h;
}
function refPath(m: number, start: number, end: number): Uint8Array[] {
  const n = end - start;
  if (n <= 1) return [];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k
    ? [...refPath(m, start, start + k), refMth(start + k, end)]
    : [...refPath(m - k, start + k, end), refMth(start, start + k)];
}
function refSubproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
  const n = end - start;
  if (m === n) return b ? [] : [refMth(start, end)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...refSubproof(m, start, start + k, b), refMth(start + k, end)]
    : [...refSubproof(m - k, start + k, end, false), refMth(start, start + k)];
}
const refRoot = (n: number) => refMth(0, n);

const source = nodeSourceOfLeafHashes(LEAVES);

function checkInclusion(index: number, size: number): void {
  const proof = inclusionProof(index, size, source);
  assert.deepEqual(hexes(proof), hexes(refPath(index, 0, size)), `PATH(${index}, ${size})`);
  const ok = verifyInclusion(index, size, LEAVES[index] as Uint8Array, proof, refRoot(size));
  assert.ok(ok.ok, `inclusion ${index}/${size}: ${ok.ok ? "" : ok.reason}`);
}

function checkConsistency(from: number, to: number): void {
  const proof = consistencyProof(from, to, source);
  const expected = from === 0 || from === to ? [] : refSubproof(from, 0, to, true);
  assert.deepEqual(hexes(proof), hexes(expected), `PROOF(${from}, ${to})`);
  const ok = verifyConsistency(from, to, refRoot(from), refRoot(to), proof);
  assert.ok(ok.ok, `consistency ${from}→${to}: ${ok.ok ? "" : ok.reason}`);
}

describe("RFC 6962 known answers", () => {
  const data = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
  const leaves = data.map((d) => leafHash(unhex(d)));
  const src = nodeSourceOfLeafHashes(leaves);
  const roots = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  ];

  test("the empty tree and the roots of sizes 1–8", () => {
    assert.equal(hex(emptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (let n = 1; n <= 8; n++) assert.equal(hex(rangeHash(0, n, src)), roots[n - 1], `size ${n}`);
  });

  test("published inclusion and consistency proofs", () => {
    assert.deepEqual(hexes(inclusionProof(0, 8, src)), [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    assert.deepEqual(hexes(inclusionProof(5, 8, src)), [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    assert.deepEqual(hexes(consistencyProof(2, 5, src)), [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]);
    assert.deepEqual(hexes(consistencyProof(6, 8, src)), [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    const r = (n: number) => unhex(roots[n - 1] as string);
    assert.ok(verifyConsistency(6, 8, r(6), r(8), consistencyProof(6, 8, src)).ok);
    assert.equal(verifyConsistency(6, 8, r(5), r(8), consistencyProof(6, 8, src)).ok, false);
  });
});

describe("proofs against the reference tree", () => {
  test("every index and every pair of sizes up to 128", () => {
    for (let size = 1; size <= 128; size++) {
      for (let index = 0; index < size; index++) checkInclusion(index, size);
      for (let from = 0; from <= size; from++) checkConsistency(from, size);
    }
  });

  test("every size up to 2 000: first, last and a random index; a random earlier size", () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let size = 129; size <= MAX; size++) {
      for (const index of [0, size - 1, next(size)]) checkInclusion(index, size);
      for (const from of [1, size - 1, next(size) + 1]) checkConsistency(from, size);
    }
  });

  test("sampled (fast-check): any index in any size, any pair of sizes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.integer({ min: 0, max: MAX }), (size, r) => {
        checkInclusion(r % size, size);
        checkConsistency(r % (size + 1), size);
      }),
      { numRuns: 400 },
    );
  });

  test("the nodes of a range are the complete subtrees rangeHash reads", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX - 1 }), fc.integer({ min: 1, max: MAX }), (a, b) => {
        const start = Math.min(a, b - 1);
        const end = Math.max(start + 1, b);
        const asked: string[] = [];
        const spy = {
          node: (level: number, index: number) => {
            asked.push(`${level}/${index}`);
            return source.node(level, index);
          },
        };
        assert.equal(hex(rangeHash(start, end, spy)), hex(refMth(start, end)));
        assert.deepEqual(
          asked,
          nodesOfRange(start, end).map((n) => `${n.level}/${n.index}`),
        );
      }),
      { numRuns: 300 },
    );
  });

  test("requests that admit no proof are refused", () => {
    assert.throws(() => inclusionProofRanges(5, 5), ProofRequestError);
    assert.throws(() => inclusionProofRanges(-1, 5), ProofRequestError);
    assert.throws(() => inclusionProofRanges(0.5, 5), ProofRequestError);
    assert.throws(() => consistencyProofRanges(6, 5), ProofRequestError);
    assert.deepEqual(consistencyProofRanges(0, 9), []);
    assert.deepEqual(consistencyProofRanges(9, 9), []);
  });
});

describe("adversarial inclusion proofs are refused", () => {
  const cases: Array<[number, number]> = [];
  for (const size of [2, 3, 5, 8, 13, 64, 100, 255, 256, 257, 1000, 1999]) {
    for (const index of [0, 1, Math.floor(size / 2), size - 2, size - 1]) {
      if (index >= 0 && index < size) cases.push([index, size]);
    }
  }

  test("a flipped bit in any proof hash, the leaf or the root", () => {
    for (const [index, size] of cases) {
      const proof = inclusionProof(index, size, source);
      const leaf = LEAVES[index] as Uint8Array;
      const root = refRoot(size);
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((p, j) => (j === i ? flipped(p, i % 32) : p));
        assert.equal(verifyInclusion(index, size, leaf, bad, root).ok, false);
      }
      const badLeaf = flipped(leaf, 31, 0x80);
      assert.equal(verifyInclusion(index, size, badLeaf, proof, root).ok, false);
      const badRoot = flipped(root, 0);
      assert.equal(verifyInclusion(index, size, leaf, proof, badRoot).ok, false);
    }
  });

  test("a wrong size, an index ≥ size, extra or missing hashes, reordered hashes", () => {
    for (const [index, size] of cases) {
      const proof = inclusionProof(index, size, source);
      const leaf = LEAVES[index] as Uint8Array;
      const root = refRoot(size);
      for (const other of [size - 1, size + 1, size * 2]) {
        if (other > index && other <= MAX) {
          assert.equal(verifyInclusion(index, other, leaf, proof, refRoot(other)).ok, false, `size ${other}`);
        }
      }
      const beyond = verifyInclusion(size, size, leaf, proof, root);
      assert.equal(beyond.ok, false);
      assert.match(beyond.ok ? "" : beyond.reason, /not below the tree size/);
      assert.equal(verifyInclusion(index + size, size, leaf, proof, root).ok, false);
      assert.equal(verifyInclusion(index, size, leaf, [...proof, LEAVES[0] as Uint8Array], root).ok, false);
      if (proof.length > 0) {
        assert.equal(verifyInclusion(index, size, leaf, proof.slice(0, -1), root).ok, false);
        assert.equal(verifyInclusion(index, size, leaf, proof.slice(1), root).ok, false);
      }
      if (proof.length > 1) {
        assert.equal(verifyInclusion(index, size, leaf, [...proof].reverse(), root).ok, false);
      }
      assert.equal(verifyInclusion(index, size, leaf, [...proof, new Uint8Array(31)], root).ok, false);
    }
  });

  test("a proof for another leaf, or another leaf with this proof", () => {
    for (const [index, size] of cases) {
      const other = (index + 1) % size;
      const root = refRoot(size);
      const proof = inclusionProof(index, size, source);
      assert.equal(verifyInclusion(other, size, LEAVES[other] as Uint8Array, proof, root).ok, false);
      assert.equal(verifyInclusion(index, size, LEAVES[other] as Uint8Array, proof, root).ok, false);
      assert.equal(verifyInclusion(other, size, LEAVES[index] as Uint8Array, proof, root).ok, false);
    }
  });

  test("a size-1 tree: the leaf is the root and the proof must be empty", () => {
    const leaf = LEAVES[0] as Uint8Array;
    assert.ok(verifyInclusion(0, 1, leaf, [], leaf).ok);
    assert.equal(verifyInclusion(0, 1, leaf, [leaf], leaf).ok, false);
    const computed = rootFromInclusionProof(0, 0, leaf, []);
    assert.equal(computed.ok, false);
  });
});

describe("adversarial consistency proofs are refused", () => {
  const pairs: Array<[number, number]> = [
    [1, 2],
    [1, 8],
    [3, 7],
    [4, 8],
    [6, 8],
    [7, 8],
    [100, 257],
    [256, 1000],
    [255, 1999],
    [1024, 1999],
  ];

  test("flipped bits, extra and missing hashes, wrong sizes, wrong roots", () => {
    for (const [from, to] of pairs) {
      const proof = consistencyProof(from, to, source);
      const r1 = refRoot(from);
      const r2 = refRoot(to);
      assert.ok(verifyConsistency(from, to, r1, r2, proof).ok);
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((p, j) => (j === i ? flipped(p, (i * 7) % 32, 0x04) : p));
        assert.equal(verifyConsistency(from, to, r1, r2, bad).ok, false, `${from}→${to} flip ${i}`);
      }
      assert.equal(verifyConsistency(from, to, r1, r2, [...proof, r1]).ok, false);
      assert.equal(verifyConsistency(from, to, r1, r2, proof.slice(0, -1)).ok, false);
      assert.equal(verifyConsistency(from, to, r1, r2, proof.slice(1)).ok, false);
      assert.equal(verifyConsistency(from, to, r1, r2, []).ok, false);
      assert.equal(verifyConsistency(to, from, r2, r1, proof).ok, false);
      assert.equal(verifyConsistency(from, to, r2, r1, proof).ok, false);
      assert.equal(verifyConsistency(from, to + 1, r1, refRoot(to + 1), proof).ok, false);
      if (from > 1) assert.equal(verifyConsistency(from - 1, to, refRoot(from - 1), r2, proof).ok, false);
      const otherRoot = flipped(r1, 5, 0x10);
      assert.equal(verifyConsistency(from, to, otherRoot, r2, proof).ok, false);
    }
  });

  test("equal sizes and the empty tree", () => {
    const r = refRoot(10);
    assert.ok(verifyConsistency(10, 10, r, r, []).ok);
    assert.equal(verifyConsistency(10, 10, r, refRoot(9), []).ok, false);
    assert.equal(verifyConsistency(10, 10, r, r, [r]).ok, false);
    assert.ok(verifyConsistency(0, 10, emptyRoot(), r, []).ok);
    assert.equal(verifyConsistency(0, 10, r, r, []).ok, false);
    assert.equal(verifyConsistency(0, 10, emptyRoot(), r, [r]).ok, false);
  });
});
