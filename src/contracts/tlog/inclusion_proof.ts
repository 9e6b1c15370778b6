/**
 * Inclusion proofs (RFC 9162 §2.1.3.1). The proof that leaf m is in the tree of size
 * n is the audit path PATH(m, D[0:n]): for n > 1 and k the largest power of two below
 * n, PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, and
 * PATH(m − k, D[k:n]) : MTH(D[0:k]) otherwise — the hashes listed from the leaf's
 * sibling up to the root's child. The path is planned as leaf ranges first, so that a
 * store can fetch what it needs before hashing.
 */
import { isTreeSize, largestPowerOfTwoBelow } from "./hashing.js";
import { type LeafRange, type NodeSource, rangeHash } from "./tree_hash.js";

/** Raised for an index or size that admits no proof. */
export class ProofRequestError extends RangeError {
  override readonly name = "ProofRequestError";
}

/** The leaf ranges whose hashes form PATH(index, D[0:size]), in proof order. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  if (!isTreeSize(index) || !isTreeSize(size)) throw new ProofRequestError("index and size must be whole numbers");
  if (index >= size) throw new ProofRequestError(`index ${index} is not below the tree size ${size}`);
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(index, 0, size);
  return out;
}

/** The inclusion proof of leaf `index` in the tree of size `size`. */
export function inclusionProof(index: number, size: number, source: NodeSource): Uint8Array[] {
  return inclusionProofRanges(index, size).map((r) => rangeHash(r.start, r.end, source));
}
