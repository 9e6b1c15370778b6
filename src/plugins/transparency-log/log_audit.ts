/**
 * Auditing the stored log against itself and its signatures: every leaf's stored
 * hash is recomputed from its fields; the indexes are gap-free; every tile that must
 * exist does, and every stored tile (its hashes, inner nodes and root) is recomputed
 * from the level below; every stored checkpoint carries a valid signature by the
 * log's key over the root of the tree of its size as it is stored now. Any edit,
 * deletion or insertion behind the service's back shows as a named problem. The
 * store is read through {@link AuditableLogStore}, which the SQLite store answers
 * synchronously and the PostgreSQL one asynchronously.
 */
import type { LogAuditProblem, LogAuditReport } from "../../contracts/ports/transparency_log.js";
import { parseCheckpoint } from "../../contracts/tlog/checkpoint.js";
import { emptyRoot, HASH_SIZE, hashEquals, leafHash } from "../../contracts/tlog/hashing.js";
import { leafProblem, leafText } from "../../contracts/tlog/leaf.js";
import type { NoteVerifier } from "../../contracts/tlog/note_keys.js";
import { openNote } from "../../contracts/tlog/signed_note.js";
import { TILE_WIDTH } from "../../contracts/tlog/tile_path.js";
import type { LogLeaf } from "../../contracts/tlog/leaf.js";
import { buildInnerNodes, TILE_BYTES } from "./tile_nodes.js";

type Awaitable<T> = T | Promise<T>;

/** A stored leaf row, with its stored hash. */
export interface StoredLeafRow {
  readonly leaf_index: number;
  readonly type: LogLeaf["type"];
  readonly id: string;
  readonly sha256: string;
  readonly created_at_utc: string;
  readonly leaf_hash: Buffer;
}

/** A stored full tile. */
export interface StoredTileRow {
  readonly level: number;
  readonly tile_index: number;
  readonly hashes: Buffer;
  readonly nodes: Buffer;
  readonly root: Buffer;
}

/** A stored checkpoint. */
export interface StoredCheckpointRow {
  readonly tree_size: number;
  readonly root: Buffer;
  readonly note: string;
  readonly signed_at_utc: string;
}

/** What the audit reads of a log store, bypassing every cache. */
export interface AuditableLogStore {
  size(): Awaitable<number>;
  rowCount(): Awaitable<number>;
  storedLeaves(from: number, limit: number): Awaitable<readonly StoredLeafRow[]>;
  storedTiles(): Iterable<StoredTileRow> | AsyncIterable<StoredTileRow>;
  /** The hashes at tree level 8·`level` with indexes [from, to), concatenated (throws when some are missing). */
  baseHashes(level: number, from: number, to: number): Awaitable<Uint8Array>;
  storedCheckpoints(): Awaitable<readonly StoredCheckpointRow[]>;
  /** MTH of the first `size` leaves (size ≥ 1) from what is stored now. */
  freshRoot(size: number): Awaitable<Uint8Array>;
}

/** The most problems listed one by one (the count is always exact). */
const MAX_LISTED = 1000;
const PAGE = 5000;

/** Audits `store`; `onProgress(done, total)` is called as leaves are checked. */
export async function auditLog(
  store: AuditableLogStore,
  verifier: NoteVerifier,
  onProgress?: (done: number, total: number) => void,
): Promise<LogAuditReport> {
  const problems: LogAuditProblem[] = [];
  let count = 0;
  const report = (p: LogAuditProblem) => {
    count++;
    if (problems.length < MAX_LISTED) problems.push(p);
  };
  const size = await store.size();
  const rows = await store.rowCount();
  if (rows !== size) {
    report({
      kind: "leaves_missing",
      detail: `${size - rows} leaf index(es) below ${size} have no row: leaves were deleted`,
    });
  }
  // 1. Leaves: stored hash = SHA-256(0x00 ‖ canonical leaf text of the stored fields).
  // The stored leaf hashes, in one buffer (32 bytes a leaf), and which indexes have a row.
  const leafHashes = Buffer.alloc(size * HASH_SIZE);
  const present = new Uint8Array(size);
  let expected = 0;
  for (let from = 0; from < size; from += PAGE) {
    for (const row of await store.storedLeaves(from, PAGE)) {
      while (expected < row.leaf_index) {
        report({ kind: "leaf_missing", leaf_index: expected, detail: `leaf ${expected} has no row` });
        expected++;
      }
      expected = row.leaf_index + 1;
      if (row.leaf_hash.length === HASH_SIZE) {
        leafHashes.set(row.leaf_hash, row.leaf_index * HASH_SIZE);
        present[row.leaf_index] = 1;
      }
      const fields = { type: row.type, id: row.id, sha256: row.sha256, created_at_utc: row.created_at_utc };
      const invalid = leafProblem(fields);
      if (invalid) {
        report({ kind: "leaf_invalid", leaf_index: row.leaf_index, detail: invalid });
        continue;
      }
      if (!hashEquals(leafHash(leafText(fields)), row.leaf_hash)) {
        report({
          kind: "leaf_edited",
          leaf_index: row.leaf_index,
          detail: `${row.type} ${row.id}: the stored fields do not hash to the stored leaf hash`,
        });
      }
    }
    onProgress?.(Math.min(size, from + PAGE), size);
  }
  // 2. Tiles: each one recomputed from the level below; every complete tile present.
  const seen = new Set<string>();
  for await (const tile of store.storedTiles()) {
    seen.add(`${tile.level}/${tile.tile_index}`);
    const name = `tile ${tile.level}/${tile.tile_index}`;
    const first = tile.tile_index * TILE_WIDTH;
    let below: Buffer | undefined;
    if (tile.level === 0) {
      const end = first + TILE_WIDTH;
      if (end <= size && present.subarray(first, end).every((p) => p === 1)) {
        below = leafHashes.subarray(first * HASH_SIZE, end * HASH_SIZE);
      }
    } else {
      try {
        below = Buffer.from(await store.baseHashes(tile.level, first, first + TILE_WIDTH));
      } catch (error) {
        report({ kind: "tile_missing", detail: `${name}: ${(error as Error).message}` });
        continue;
      }
    }
    if (tile.hashes.length !== TILE_BYTES || !below || !below.equals(tile.hashes)) {
      report({ kind: "tile_edited", detail: `${name}: its hashes are not those of the level below it` });
      continue;
    }
    const nodes = buildInnerNodes(tile.hashes);
    if (!Buffer.from(nodes).equals(tile.nodes) || !hashEquals(nodes.subarray(nodes.length - 32), tile.root)) {
      report({ kind: "tile_edited", detail: `${name}: its inner nodes or root do not hash from its hashes` });
    }
  }
  for (
    let level = 0, count0 = Math.floor(size / TILE_WIDTH);
    count0 > 0;
    level++, count0 = Math.floor(count0 / TILE_WIDTH)
  ) {
    for (let i = 0; i < count0; i++) {
      if (!seen.has(`${level}/${i}`))
        report({ kind: "tile_missing", detail: `tile ${level}/${i} is complete but not stored` });
    }
  }
  // 3. Checkpoints: signed by the log's key, over the root of the stored tree of their size.
  let checkpoints = 0;
  for (const row of await store.storedCheckpoints()) {
    checkpoints++;
    const where = `checkpoint of size ${row.tree_size}`;
    const opened = openNote(row.note, [verifier]);
    const parsed = opened.ok ? parseCheckpoint(opened.text) : undefined;
    if (!opened.ok || !parsed?.ok) {
      report({ kind: "checkpoint_signature", detail: `${where}: ${opened.ok ? "unparsable" : opened.reason}` });
      continue;
    }
    const c = parsed.checkpoint;
    if (c.size !== row.tree_size || !hashEquals(c.root, row.root) || c.origin !== verifier.name) {
      report({ kind: "checkpoint_mismatch", detail: `${where}: the stored row differs from the signed note` });
      continue;
    }
    if (c.size > size) {
      report({ kind: "checkpoint_beyond_log", detail: `${where}: the log has only ${size} leaves` });
      continue;
    }
    try {
      const root = c.size === 0 ? emptyRoot() : await store.freshRoot(c.size);
      if (!hashEquals(root, c.root)) {
        report({
          kind: "checkpoint_root",
          detail: `${where}: the stored tree of that size has another root: the log was rewritten`,
        });
      }
    } catch (error) {
      report({ kind: "checkpoint_root", detail: `${where}: ${(error as Error).message}` });
    }
  }
  return { ok: count === 0, size, checkpoints, problem_count: count, problems };
}
