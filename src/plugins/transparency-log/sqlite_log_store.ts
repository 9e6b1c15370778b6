/**
 * The embedded log store, on the kernel's SQLite database: the leaves in order, the
 * full tiles of hashes (written once, in the transaction that completes them) and
 * the signed checkpoints. Appending is the sequencer: the next index is decided under
 * SQLite's write lock, inside the transaction that inserts the leaf, so concurrent
 * writers (and several processes on one file) get distinct, gap-free indexes. Any
 * complete node of the tree is read from a stored tile (one point read, then cached:
 * full tiles never change); only the nodes at the right edge, inside a tile not yet
 * complete, are hashed from at most 128 hashes below them.
 */
import type BetterSqlite3 from "better-sqlite3";
import { LeafConflictError, type IndexedLeaf, type SignedCheckpoint } from "../../contracts/ports/transparency_log.js";
import { encodeBase64 } from "../../contracts/tlog/base64.js";
import { HASH_SIZE, leafHash } from "../../contracts/tlog/hashing.js";
import { type LogLeaf, leafText } from "../../contracts/tlog/leaf.js";
import { TILE_HEIGHT, TILE_WIDTH } from "../../contracts/tlog/tile_path.js";
import { type NodeSource, rangeHash } from "../../contracts/tlog/tree_hash.js";
import { buildInnerNodes, hashUp, INNER_NODES, innerOffset } from "./tile_nodes.js";

interface LeafRow {
  leaf_index: number;
  type: LogLeaf["type"];
  id: string;
  sha256: string;
  created_at_utc: string;
}

interface TileRow {
  hashes: Buffer;
  nodes: Buffer;
}

/** Full tiles kept in memory (about 16 KiB each). */
const TILE_CACHE_ENTRIES = 1024;

/** Right-edge nodes kept in memory. */
const EDGE_CACHE_ENTRIES = 4096;

const ROOT_OFFSET = (INNER_NODES - 1) * HASH_SIZE;

/** The leaves, tiles and checkpoints of the log in SQLite. */
export class SqliteLogStore {
  readonly #db: BetterSqlite3.Database;
  readonly #tiles = new Map<string, TileRow>();
  readonly #edge = new Map<string, Uint8Array>();
  readonly #stmts;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#stmts = {
      size: db.prepare("SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM tlog_leaves").pluck(),
      byKey: db.prepare(
        "SELECT leaf_index, type, id, sha256, created_at_utc FROM tlog_leaves WHERE type = ? AND id = ?",
      ),
      insertLeaf: db.prepare(
        "INSERT INTO tlog_leaves (leaf_index, type, id, sha256, created_at_utc, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      leafHashes: db
        .prepare("SELECT leaf_hash FROM tlog_leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index")
        .pluck(),
      leaves: db.prepare(
        "SELECT leaf_index, type, id, sha256, created_at_utc FROM tlog_leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
      ),
      tile: db.prepare("SELECT hashes, nodes FROM tlog_tiles WHERE level = ? AND tile_index = ?"),
      storedLeaves: db.prepare(
        "SELECT leaf_index, type, id, sha256, created_at_utc, leaf_hash FROM tlog_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
      ),
      count: db.prepare("SELECT COUNT(*) FROM tlog_leaves").pluck(),
      allTiles: db.prepare("SELECT level, tile_index, hashes, nodes, root FROM tlog_tiles ORDER BY level, tile_index"),
      checkpoints: db.prepare("SELECT tree_size, root, note, signed_at_utc FROM tlog_checkpoints ORDER BY tree_size"),
      tileRoots: db
        .prepare(
          "SELECT root FROM tlog_tiles WHERE level = ? AND tile_index >= ? AND tile_index < ? ORDER BY tile_index",
        )
        .pluck(),
      insertTile: db.prepare("INSERT INTO tlog_tiles (level, tile_index, hashes, nodes, root) VALUES (?, ?, ?, ?, ?)"),
      latestCheckpoint: db.prepare(
        "SELECT tree_size, root, note, signed_at_utc FROM tlog_checkpoints ORDER BY tree_size DESC LIMIT 1",
      ),
      announce: db.prepare(
        "INSERT OR REPLACE INTO tlog_intents (type, id, sha256, created_at_utc) VALUES (?, ?, ?, ?)",
      ),
      announced: db.prepare("SELECT type, id, sha256, created_at_utc FROM tlog_intents WHERE type = ? ORDER BY id"),
      forget: db.prepare("DELETE FROM tlog_intents WHERE type = ? AND id = ?"),
      insertCheckpoint: db.prepare(
        "INSERT OR IGNORE INTO tlog_checkpoints (tree_size, root, note, signed_at_utc) VALUES (?, ?, ?, ?)",
      ),
    };
  }

  /** The number of leaves. */
  size(): number {
    return this.#stmts.size.get() as number;
  }

  /** The leaf of (type, id) with its index. */
  find(type: string, id: string): (LogLeaf & { leaf_index: number }) | undefined {
    return this.#stmts.byKey.get(type, id) as LeafRow | undefined;
  }

  /**
   * Appends `leaves` in the caller's transaction (or in one of its own when none is
   * open): each new leaf gets the next index; a repeat answers its existing index.
   */
  append(leaves: readonly LogLeaf[]): Array<{ leaf_index: number; created: boolean }> {
    const texts = leaves.map((l) => leafText(l)); // validates every leaf before anything is written
    const run = () => {
      let size = this.size();
      return leaves.map((leaf, i) => {
        const existing = this.find(leaf.type, leaf.id);
        if (existing) {
          if (existing.sha256 !== leaf.sha256 || existing.created_at_utc !== leaf.created_at_utc) {
            throw new LeafConflictError(existing, leaf);
          }
          return { leaf_index: existing.leaf_index, created: false };
        }
        const index = size++;
        this.#stmts.insertLeaf.run(
          index,
          leaf.type,
          leaf.id,
          leaf.sha256,
          leaf.created_at_utc,
          leafHash(texts[i] as string),
        );
        this.#completeTiles(size);
        this.#stmts.forget.run(leaf.type, leaf.id);
        return { leaf_index: index, created: true };
      });
    };
    return this.#db.inTransaction ? run() : this.#db.transaction(run).immediate();
  }

  /** Records intents to append `leaves` (validated first), in one transaction. */
  announce(leaves: readonly LogLeaf[]): void {
    for (const leaf of leaves) leafText(leaf);
    this.#db.transaction(() => {
      for (const l of leaves) this.#stmts.announce.run(l.type, l.id, l.sha256, l.created_at_utc);
    })();
  }

  /** The announced leaves of `type` not yet appended. */
  announced(type: string): LogLeaf[] {
    return this.#stmts.announced.all(type) as LogLeaf[];
  }

  /** Forgets the intents of (type, id) for each id. */
  forget(type: string, ids: readonly string[]): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#stmts.forget.run(type, id);
    })();
  }

  /** After the tree grew to `size`: stores every tile the last leaf completed. */
  #completeTiles(size: number): void {
    let count = size; // entries at level 8L
    for (let level = 0; count > 0 && count % TILE_WIDTH === 0; level++) {
      const tileIndex = count / TILE_WIDTH - 1;
      const hashes = this.baseHashes(level, tileIndex * TILE_WIDTH, count);
      const nodes = buildInnerNodes(hashes);
      this.#stmts.insertTile.run(level, tileIndex, hashes, nodes, nodes.subarray(ROOT_OFFSET));
      count = count / TILE_WIDTH;
    }
  }

  /** The hashes at tree level 8·`level` with indexes [from, to), concatenated (throws when some are missing). */
  baseHashes(level: number, from: number, to: number): Uint8Array {
    const rows = (
      level === 0 ? this.#stmts.leafHashes.all(from, to) : this.#stmts.tileRoots.all(level - 1, from, to)
    ) as Buffer[];
    if (rows.length !== to - from) {
      throw new Error(`the log store is missing hashes at tile level ${level}, [${from}, ${to}): found ${rows.length}`);
    }
    return Buffer.concat(rows);
  }

  #tile(level: number, index: number, fresh = false): TileRow | undefined {
    const key = `${level}/${index}`;
    if (fresh) return this.#stmts.tile.get(level, index) as TileRow | undefined;
    const cached = this.#tiles.get(key);
    if (cached) {
      this.#tiles.delete(key);
      this.#tiles.set(key, cached);
      return cached;
    }
    const row = this.#stmts.tile.get(level, index) as TileRow | undefined;
    if (row && !this.#db.inTransaction) {
      this.#tiles.set(key, row);
      if (this.#tiles.size > TILE_CACHE_ENTRIES) this.#tiles.delete(this.#tiles.keys().next().value as string);
    }
    return row;
  }

  /**
   * Complete nodes of the tree (any complete subtree below the current size). With
   * `fresh`, everything is read from the database, bypassing the caches (for audits).
   */
  nodes(options: { fresh?: boolean } = {}): NodeSource {
    const fresh = options.fresh ?? false;
    return {
      node: (height, index) => {
        const level = Math.floor(height / TILE_HEIGHT);
        const r = height % TILE_HEIGHT;
        const span = 2 ** r;
        const first = index * span; // first hash at level 8·level
        const tileIndex = Math.floor(first / TILE_WIDTH);
        const tile = this.#tile(level, tileIndex, fresh);
        if (tile) {
          if (r === 0)
            return tile.hashes.subarray((first % TILE_WIDTH) * HASH_SIZE, ((first % TILE_WIDTH) + 1) * HASH_SIZE);
          const at = innerOffset(r) + (index - tileIndex * (TILE_WIDTH / span));
          return tile.nodes.subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE);
        }
        // At the right edge, inside a tile not yet complete: hashed once, then kept (complete nodes never change).
        const key = `${height}/${index}`;
        const known = fresh ? undefined : this.#edge.get(key);
        if (known) return known;
        const hash = hashUp(this.baseHashes(level, first, first + span), span);
        if (!this.#db.inTransaction && !fresh) {
          this.#edge.set(key, hash);
          if (this.#edge.size > EDGE_CACHE_ENTRIES) this.#edge.delete(this.#edge.keys().next().value as string);
        }
        return hash;
      },
    };
  }

  /** MTH of the first `size` leaves (size ≥ 1), read from the database bypassing the caches (for audits). */
  freshRoot(size: number): Uint8Array {
    return rangeHash(0, size, this.nodes({ fresh: true }));
  }

  /** The served tile: hashes at level 8·`level` of tile `index`, `width` of them. */
  tileHashes(level: number, index: number, width: number): Uint8Array | undefined {
    const tile = this.#tile(level, index);
    if (tile) return tile.hashes.subarray(0, width * HASH_SIZE);
    if (width === TILE_WIDTH) return undefined; // not complete: only its partial form exists
    const available = Math.floor(this.size() / TILE_WIDTH ** level);
    if (index * TILE_WIDTH + width > available) return undefined;
    return this.baseHashes(level, index * TILE_WIDTH, index * TILE_WIDTH + width);
  }

  /** The leaves [from, to), in order. */
  leaves(from: number, to: number): IndexedLeaf[] {
    return (this.#stmts.leaves.all(from, to) as LeafRow[]).map(({ leaf_index, ...leaf }) => ({
      leaf_index,
      leaf,
      text: leafText(leaf),
    }));
  }

  /** The stored rows of up to `limit` leaves from index `from` (for audits: with their stored hash). */
  storedLeaves(from: number, limit: number): Array<LeafRow & { leaf_hash: Buffer }> {
    return this.#stmts.storedLeaves.all(from, limit) as Array<LeafRow & { leaf_hash: Buffer }>;
  }

  /** The number of leaf rows (equals size() unless rows were deleted behind the log's back). */
  rowCount(): number {
    return this.#stmts.count.get() as number;
  }

  /** Every stored tile, by level then index (for audits). */
  storedTiles(): IterableIterator<{ level: number; tile_index: number; hashes: Buffer; nodes: Buffer; root: Buffer }> {
    return this.#stmts.allTiles.iterate() as IterableIterator<{
      level: number;
      tile_index: number;
      hashes: Buffer;
      nodes: Buffer;
      root: Buffer;
    }>;
  }

  /** Every stored checkpoint, by size (for audits). */
  storedCheckpoints(): Array<{ tree_size: number; root: Buffer; note: string; signed_at_utc: string }> {
    return this.#stmts.checkpoints.all() as Array<{
      tree_size: number;
      root: Buffer;
      note: string;
      signed_at_utc: string;
    }>;
  }

  /** The latest stored checkpoint. */
  latestCheckpoint(origin: string): SignedCheckpoint | undefined {
    const row = this.#stmts.latestCheckpoint.get() as
      | { tree_size: number; root: Buffer; note: string; signed_at_utc: string }
      | undefined;
    if (!row) return undefined;
    return {
      origin,
      size: row.tree_size,
      root: encodeBase64(row.root),
      note: row.note,
      signed_at_utc: row.signed_at_utc,
    };
  }

  /** Stores a signed checkpoint (a second one of the same size is ignored). */
  saveCheckpoint(size: number, root: Uint8Array, note: string, signedAt: string): void {
    this.#stmts.insertCheckpoint.run(size, root, note, signedAt);
  }
}
