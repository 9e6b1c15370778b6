/**
 * Verifying a consistency proof, exactly as RFC 9162 §2.1.4.2 lists the steps, for
 * 0 < first < second: prepend the first root when first is a power of two; start
 * with fn = first − 1, sn = second − 1 shifted right while fn is odd; fold every
 * further element into fr (the first tree's root, only on the left side) and sr (the
 * second tree's root); both must match and sn must end at 0. The edge cases the RFC
 * leaves out are decided here: equal sizes need an empty proof and equal roots; the
 * empty tree (size 0, root SHA-256 of nothing) is consistent with every tree with an
 * empty proof; a first size above the second is refused.
 */
import { emptyRoot, HASH_SIZE, hashEquals, isPowerOfTwo, isTreeSize, nodeHash } from "./hashing.js";
import { refuse, type Verified } from "./verify_result.js";

/** Verifies that the tree (`first`, `firstRoot`) is a prefix of (`second`, `secondRoot`). */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Verified {
  if (!isTreeSize(first) || !isTreeSize(second)) return refuse("the tree sizes must be whole numbers");
  if (first > second) return refuse(`the first size ${first} is larger than the second ${second}`);
  if (firstRoot.length !== HASH_SIZE || secondRoot.length !== HASH_SIZE) return refuse("a root hash is not 32 bytes");
  for (const [i, p] of proof.entries()) {
    if (p.length !== HASH_SIZE) return refuse(`proof hash ${i} is not 32 bytes`);
  }
  if (first === second) {
    if (proof.length !== 0) return refuse("a proof between equal sizes must be empty");
    return hashEquals(firstRoot, secondRoot) ? { ok: true } : refuse("equal sizes with different root hashes");
  }
  if (first === 0) {
    if (proof.length !== 0) return refuse("a proof from the empty tree must be empty");
    return hashEquals(firstRoot, emptyRoot()) ? { ok: true } : refuse("the root of the empty tree is not SHA-256('')");
  }
  // 1. An empty path fails.
  if (proof.length === 0) return refuse("the consistency proof is empty");
  // 2. When first is a power of two, the first root is the path's first element.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  // 3.
  let fn = first - 1;
  let sn = second - 1;
  // 4.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return refuse(`the proof has ${proof.length} hashes, more than the sizes ${first}→${second} need`);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7.
  if (sn !== 0) return refuse(`the proof has ${proof.length} hashes, fewer than the sizes ${first}→${second} need`);
  if (!hashEquals(fr, firstRoot)) return refuse("the consistency proof does not lead to the first root hash");
  if (!hashEquals(sr, secondRoot)) return refuse("the consistency proof does not lead to the second root hash");
  return { ok: true };
}
