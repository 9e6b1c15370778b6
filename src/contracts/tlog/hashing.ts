/**
 * RFC 6962 / RFC 9162 Merkle tree hashing (§2.1.1): a leaf's hash is
 * SHA-256(0x00 ‖ leaf) and an interior node's hash is SHA-256(0x01 ‖ left ‖ right); the
 * distinct prefixes keep a leaf from ever being taken for a node (second-preimage
 * resistance). The hash of the empty tree is SHA-256 of nothing. Every hash is 32
 * bytes; this module also holds the small integer helpers the proof algorithms share,
 * written with arithmetic rather than 32-bit bit operators so that tree sizes up to
 * 2^53 stay exact.
 */
import { createHash } from "node:crypto";

/** The size of every hash in the tree, in bytes. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** SHA-256(0x00 ‖ leaf): the hash of one log entry. */
export function leafHash(leaf: Uint8Array | string): Uint8Array {
  return createHash("sha256").update(LEAF_PREFIX).update(leaf).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** The Merkle Tree Hash of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return createHash("sha256").digest();
}

/** Whether two hashes are byte-for-byte equal. */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `n` is a non-negative safe integer (a valid tree size or index). */
export function isTreeSize(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/** The largest power of two strictly smaller than `n` (n ≥ 2): RFC 9162's `k`. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Whether `n` (≥ 1) is a power of two. */
export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** log2 of a power of two. */
export function log2Exact(n: number): number {
  let level = 0;
  while (n > 1) {
    n /= 2;
    level++;
  }
  return level;
}
