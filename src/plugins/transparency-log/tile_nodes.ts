/**
 * The inside of a full tile. A tile holds 256 hashes at tree level 8L; the store
 * keeps, beside them, the 255 hashes of the eight levels above inside the tile
 * (128 + 64 + … + 1, the last being the tile's root, which is one hash of the tile
 * above), so that any complete node of the tree is one read away and a proof costs
 * a few lookups instead of hundreds of hashes.
 */
import { HASH_SIZE, nodeHash } from "../../contracts/tlog/hashing.js";
import { TILE_HEIGHT, TILE_WIDTH } from "../../contracts/tlog/tile_path.js";

/** Bytes of a full tile's hashes. */
export const TILE_BYTES = TILE_WIDTH * HASH_SIZE;
/** Hashes inside a tile above its base level. */
export const INNER_NODES = TILE_WIDTH - 1;

/** Where level `r` (1–8 inside the tile) starts in the inner nodes, in hashes. */
export function innerOffset(r: number): number {
  let offset = 0;
  for (let q = 1; q < r; q++) offset += TILE_WIDTH >> q;
  return offset;
}

/** Hashes `count` consecutive hashes (a power of two) up to their root. */
export function hashUp(hashes: Uint8Array, count: number): Uint8Array {
  let level: Uint8Array[] = [];
  for (let i = 0; i < count; i++) level.push(hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    level = next;
  }
  return level[0] as Uint8Array;
}

/** The 255 inner hashes of a full tile (levels 1–8 inside it, the root last). */
export function buildInnerNodes(hashes: Uint8Array): Uint8Array {
  if (hashes.length !== TILE_BYTES) throw new RangeError(`a full tile is ${TILE_BYTES} bytes, not ${hashes.length}`);
  const out = new Uint8Array(INNER_NODES * HASH_SIZE);
  let below = hashes;
  let width = TILE_WIDTH;
  for (let r = 1; r <= TILE_HEIGHT; r++) {
    width /= 2;
    const start = innerOffset(r) * HASH_SIZE;
    for (let i = 0; i < width; i++) {
      const h = nodeHash(
        below.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE),
        below.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE),
      );
      out.set(h, start + i * HASH_SIZE);
    }
    below = out.subarray(start, start + width * HASH_SIZE);
  }
  return out;
}
