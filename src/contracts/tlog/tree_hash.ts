/**
 * The Merkle Tree Hash (RFC 9162 §2.1.1) of a range of leaves, computed from an
 * abstract source of complete-subtree hashes. MTH(D[start:end]) is split at the
 * largest power of two below its size, as the RFC defines it, until each part is a
 * complete, aligned subtree (2^level leaves starting at a multiple of 2^level): those
 * are asked of the {@link NodeSource}, which a store answers from its tiles. A
 * source that can only answer asynchronously (over a network) first collects the
 * nodes with {@link nodesOfRange} and then serves them from a map.
 */
import { isPowerOfTwo, largestPowerOfTwoBelow, log2Exact, nodeHash } from "./hashing.js";

/** A complete subtree: 2^level leaves starting at leaf index × 2^level. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Answers the hash of any complete subtree of the tree. */
export interface NodeSource {
  /** MTH of the 2^level leaves starting at index × 2^level. */
  node(level: number, index: number): Uint8Array;
}

/** A half-open range of leaf indexes [start, end). */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

function aligned(start: number, size: number): boolean {
  return isPowerOfTwo(size) && start % size === 0;
}

/** MTH(D[start:end]) for 0 ≤ start < end, from the complete subtrees of `source`. */
export function rangeHash(start: number, end: number, source: NodeSource): Uint8Array {
  const size = end - start;
  if (!(size >= 1)) throw new RangeError(`empty or inverted range [${start}, ${end})`);
  if (aligned(start, size)) return source.node(log2Exact(size), start / size);
  const k = largestPowerOfTwoBelow(size);
  return nodeHash(rangeHash(start, start + k, source), rangeHash(start + k, end, source));
}

/** The complete subtrees `rangeHash(start, end, …)` asks for, left to right. */
export function nodesOfRange(start: number, end: number): NodeId[] {
  const size = end - start;
  if (!(size >= 1)) throw new RangeError(`empty or inverted range [${start}, ${end})`);
  if (aligned(start, size)) return [{ level: log2Exact(size), index: start / size }];
  const k = largestPowerOfTwoBelow(size);
  return [...nodesOfRange(start, start + k), ...nodesOfRange(start + k, end)];
}

/** A NodeSource over an in-memory list of leaf hashes (for tests and small trees). */
export function nodeSourceOfLeafHashes(leafHashes: readonly Uint8Array[]): NodeSource {
  const memo = new Map<string, Uint8Array>();
  const node = (level: number, index: number): Uint8Array => {
    if (level === 0) {
      const h = leafHashes[index];
      if (!h) throw new RangeError(`no leaf ${index}`);
      return h;
    }
    const key = `${level}/${index}`;
    let h = memo.get(key);
    if (!h) {
      h = nodeHash(node(level - 1, index * 2), node(level - 1, index * 2 + 1));
      memo.set(key, h);
    }
    return h;
  };
  return { node };
}
