/**
 * Verifying an inclusion proof, exactly as RFC 9162 §2.1.3.2 lists the steps: refuse
 * an index not below the size; walk the path with fn = index and sn = size − 1,
 * hashing the proof element on the left when fn is odd or fn = sn (then shifting
 * until fn is odd or zero) and on the right otherwise; refuse a path longer than the
 * tree is deep (sn reaches 0 early) or shorter (sn not 0 at the end); finally the
 * computed root must equal the expected one. Hashes that are not 32 bytes are refused.
 */
import { HASH_SIZE, hashEquals, isTreeSize, nodeHash } from "./hashing.js";
import { refuse, type Verified } from "./verify_result.js";

/** The root an inclusion path leads to, or a refusal (steps 1–4 and the sn check of step 5). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Verified<{ root: Uint8Array }> {
  if (!isTreeSize(index) || !isTreeSize(size)) return refuse("the index and size must be whole numbers");
  if (index >= size) return refuse(`the leaf index ${index} is not below the tree size ${size}`);
  if (leaf.length !== HASH_SIZE) return refuse("the leaf hash is not 32 bytes");
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const [i, p] of proof.entries()) {
    if (p.length !== HASH_SIZE) return refuse(`proof hash ${i} is not 32 bytes`);
    if (sn === 0) return refuse(`the proof has ${proof.length} hashes, more than the tree of size ${size} needs`);
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return refuse(`the proof has ${proof.length} hashes, fewer than the tree of size ${size} needs`);
  return { ok: true, root: r };
}

/** Verifies that `leaf` (a leaf hash) is at `index` in the tree of size `size` whose root is `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Verified {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  if (!computed.ok) return computed;
  if (!hashEquals(computed.root, root)) return refuse("the inclusion proof does not lead to the root hash");
  return { ok: true };
}
