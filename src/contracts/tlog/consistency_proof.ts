/**
 * Consistency proofs (RFC 9162 §2.1.4.1). The proof that the tree of size m is a
 * prefix of the tree of size n (0 < m < n) is PROOF(m, D[n]) = SUBPROOF(m, D[n], true),
 * where SUBPROOF(m, D[m], true) is empty, SUBPROOF(m, D[m], false) is {MTH(D[m])},
 * and for m < n with k the largest power of two below n: SUBPROOF(m, D[0:k], b) :
 * MTH(D[k:n]) when m ≤ k, else SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k]). For
 * m = n, and for m = 0 (the empty tree is a prefix of every tree), the proof is empty.
 */
import { isTreeSize, largestPowerOfTwoBelow } from "./hashing.js";
import { ProofRequestError } from "./inclusion_proof.js";
import { type LeafRange, type NodeSource, rangeHash } from "./tree_hash.js";

/** The leaf ranges whose hashes form PROOF(from, D[to]), in proof order. */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  if (!isTreeSize(from) || !isTreeSize(to)) throw new ProofRequestError("sizes must be whole numbers");
  if (from > to) throw new ProofRequestError(`the first size ${from} is larger than the second ${to}`);
  const out: LeafRange[] = [];
  if (from === 0 || from === to) return out;
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) out.push({ start, end });
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      out.push({ start: start + k, end });
    } else {
      sub(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  sub(from, 0, to, true);
  return out;
}

/** The consistency proof between the trees of sizes `from` and `to`. */
export function consistencyProof(from: number, to: number, source: NodeSource): Uint8Array[] {
  return consistencyProofRanges(from, to).map((r) => rangeHash(r.start, r.end, source));
}
