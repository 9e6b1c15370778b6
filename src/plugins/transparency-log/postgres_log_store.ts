/**
 * The log store on PostgreSQL (tables of migrations/postgres/0001_transparency_log.sql),
 * shared by every instance on the database. The database is the sequencer: an
 * appending transaction calls `tlog_append` (one round trip), which takes one advisory
 * lock (`pg_advisory_xact_lock`), reads the largest index and numbers the leaves after
 * it, so indexes are distinct and gap-free
 * across instances, and the lock is held until that transaction commits or rolls back
 * (with the record rows of the caller, when it appends inside the record's own
 * transaction). The tiles a leaf completes are written in the same transaction.
 * Proofs and roots first plan the complete subtrees they need, fetch the full tiles
 * holding them in one query (then cached: full tiles never change) and hash the few
 * right-edge nodes from the hashes below them, then compute synchronously from a map.
 */
import type pg from "pg";
import {
  LeafConflictError,
  type IndexedLeaf,
  type SignedCheckpoint,
  type TransactionClient,
} from "../../contracts/ports/transparency_log.js";
import { encodeBase64 } from "../../contracts/tlog/base64.js";
import { HASH_SIZE, leafHash } from "../../contracts/tlog/hashing.js";
import { type LogLeaf, leafText } from "../../contracts/tlog/leaf.js";
import { TILE_HEIGHT, TILE_WIDTH } from "../../contracts/tlog/tile_path.js";
import { type NodeId, type NodeSource, nodesOfRange, rangeHash } from "../../contracts/tlog/tree_hash.js";
import { inClientTransaction, keysetRows } from "../../kernel/plugin_api/storage.js";
import type { StoredCheckpointRow, StoredLeafRow, StoredTileRow } from "./log_audit.js";
import { buildInnerNodes, hashUp, INNER_NODES, innerOffset } from "./tile_nodes.js";

/** The advisory-lock namespace of the log (the first key of the two-key form). */
export const LOG_LOCK_NAMESPACE = 0x746c6f67; // "tlog"
/** The sequencer's lock: held by the one transaction appending leaves (taken by `tlog_append`, see the migration). */
export const SEQUENCER_LOCK = 1;
/** The signer's lock: held by the one instance signing a checkpoint. */
export const SIGNER_LOCK = 2;

/** Full tiles kept in memory (about 16 KiB each). */
const TILE_CACHE_ENTRIES = 1024;
/** Right-edge nodes kept in memory. */
const EDGE_CACHE_ENTRIES = 4096;
/** Tiles read per query by the audit. */
const TILE_PAGE = 64;
const ROOT_OFFSET = (INNER_NODES - 1) * HASH_SIZE;

interface LeafRow {
  leaf_index: string;
  type: LogLeaf["type"];
  id: string;
  sha256: string;
  created_at_utc: string;
}

interface TileRow {
  hashes: Buffer;
  nodes: Buffer;
}

/** Something to run queries on: the pool or a client inside a transaction. */
type Queryable = Pick<pg.Pool, "query"> | TransactionClient;

async function rowsOf<R>(target: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  return (await (target as pg.Pool).query(text, values)).rows as R[];
}

const SIZE_SQL = "SELECT COALESCE(MAX(leaf_index) + 1, 0)::text AS n FROM tlog_leaves";

function leafOfRow(row: LeafRow): LogLeaf & { leaf_index: number } {
  return {
    leaf_index: Number(row.leaf_index),
    type: row.type,
    id: row.id,
    sha256: row.sha256,
    created_at_utc: row.created_at_utc,
  };
}

/** The leaves, tiles, checkpoints and intents of the log in PostgreSQL. */
export class PostgresLogStore {
  readonly #pool: pg.Pool;
  readonly #tiles = new Map<string, TileRow>();
  readonly #edge = new Map<string, Uint8Array>();
  /** A size the log is known to have reached (it only grows): spares a query when a request is below it. */
  #knownSize = 0;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** The pool (the signer opens its transactions on it). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** The number of leaves (as seen by `on`, default the pool). */
  async size(on: Queryable = this.#pool): Promise<number> {
    const [row] = await rowsOf<{ n: string }>(on, SIZE_SQL);
    const size = Number(row?.n ?? 0);
    if (on === this.#pool && size > this.#knownSize) this.#knownSize = size;
    return size;
  }

  /**
   * Whether the log has at least `size` leaves: answered from memory when it is known
   * to (the log only grows), else from the database. Only committed leaves count.
   */
  async hasSize(size: number): Promise<boolean> {
    if (size <= this.#knownSize) return true;
    return size <= (await this.size());
  }

  /** The leaf of (type, id) with its index. */
  async find(type: string, id: string): Promise<(LogLeaf & { leaf_index: number }) | undefined> {
    const [row] = await rowsOf<LeafRow>(
      this.#pool,
      "SELECT leaf_index, type, id, sha256, created_at_utc FROM tlog_leaves WHERE type = $1 AND id = $2",
      [type, id],
    );
    return row && leafOfRow(row);
  }

  /** Appends `leaves` in one transaction of its own. */
  async append(leaves: readonly LogLeaf[]): Promise<Array<{ leaf_index: number; created: boolean }>> {
    for (const leaf of leaves) leafText(leaf); // validates every leaf before a connection is taken
    return inClientTransaction(this.#pool, (client) => this.appendWith(client, leaves));
  }

  /**
   * Appends `leaves` inside the open transaction of `client`: takes the sequencer lock
   * (held until that transaction ends), numbers each new leaf after the largest index,
   * writes the tiles they complete and closes their intents. A repeat answers its index.
   */
  async appendWith(
    client: TransactionClient,
    leaves: readonly LogLeaf[],
  ): Promise<Array<{ leaf_index: number; created: boolean }>> {
    const texts = leaves.map((l) => leafText(l)); // validates every leaf before anything is written
    if (leaves.length === 0) return [];
    // One round trip under the sequencer lock (tlog_append in the migration), so that the
    // lock is held for as little as the function and the caller's COMMIT.
    const rows = await rowsOf<{
      out_index: string | number;
      out_created: boolean;
      out_sha256: string;
      out_created_at_utc: string;
      out_size_before: string | number;
    }>(client, "SELECT * FROM tlog_append($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])", [
      leaves.map((l) => l.type),
      leaves.map((l) => l.id),
      leaves.map((l) => l.sha256),
      leaves.map((l) => l.created_at_utc),
      texts.map((t) => Buffer.from(leafHash(t))),
    ]);
    if (rows.length !== leaves.length)
      throw new Error(`tlog_append answered ${rows.length} rows for ${leaves.length} leaves`);
    let size = 0;
    const results = rows.map((row, i) => {
      const leaf = leaves[i] as LogLeaf;
      const index = Number(row.out_index);
      size = Math.max(size, Number(row.out_size_before), index + 1);
      if (!row.out_created && (row.out_sha256 !== leaf.sha256 || row.out_created_at_utc !== leaf.created_at_utc)) {
        throw new LeafConflictError(
          {
            type: leaf.type,
            id: leaf.id,
            sha256: row.out_sha256,
            created_at_utc: row.out_created_at_utc,
            leaf_index: index,
          },
          leaf,
        );
      }
      return { leaf_index: index, created: row.out_created };
    });
    const start = Number(rows[0]?.out_size_before ?? 0);
    for (let n = start + 1; n <= size; n++) if (n % TILE_WIDTH === 0) await this.#completeTiles(client, n);
    return results;
  }

  /** After the tree grew to `size` (a multiple of 256): stores every tile the last leaf completed. */
  async #completeTiles(client: TransactionClient, size: number): Promise<void> {
    let count = size; // entries at level 8L
    for (let level = 0; count > 0 && count % TILE_WIDTH === 0; level++) {
      const tileIndex = count / TILE_WIDTH - 1;
      const hashes = Buffer.from(await this.baseHashes(level, tileIndex * TILE_WIDTH, count, client));
      const nodes = Buffer.from(buildInnerNodes(hashes));
      await client.query(
        "INSERT INTO tlog_tiles (level, tile_index, hashes, nodes, root) VALUES ($1, $2, $3, $4, $5)",
        [level, tileIndex, hashes, nodes, nodes.subarray(ROOT_OFFSET)],
      );
      count = count / TILE_WIDTH;
    }
  }

  /** The hashes at tree level 8·`level` with indexes [from, to), concatenated (throws when some are missing). */
  async baseHashes(level: number, from: number, to: number, on: Queryable = this.#pool): Promise<Uint8Array> {
    const rows =
      level === 0
        ? await rowsOf<{ h: Buffer }>(
            on,
            "SELECT leaf_hash AS h FROM tlog_leaves WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index",
            [from, to],
          )
        : await rowsOf<{ h: Buffer }>(
            on,
            "SELECT root AS h FROM tlog_tiles WHERE level = $1 AND tile_index >= $2 AND tile_index < $3 ORDER BY tile_index",
            [level - 1, from, to],
          );
    if (rows.length !== to - from) {
      throw new Error(`the log store is missing hashes at tile level ${level}, [${from}, ${to}): found ${rows.length}`);
    }
    return Buffer.concat(rows.map((r) => r.h));
  }

  /** Records intents to append `leaves` (validated first), in one statement. */
  async announce(leaves: readonly LogLeaf[]): Promise<void> {
    for (const leaf of leaves) leafText(leaf);
    if (leaves.length === 0) return;
    await this.#pool.query(
      `INSERT INTO tlog_intents (type, id, sha256, created_at_utc, state)
        SELECT t, i, s, c, 'announced' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(t, i, s, c)
        ON CONFLICT (type, id) DO UPDATE SET sha256 = EXCLUDED.sha256, created_at_utc = EXCLUDED.created_at_utc, state = 'announced'`,
      [
        leaves.map((l) => l.type),
        leaves.map((l) => l.id),
        leaves.map((l) => l.sha256),
        leaves.map((l) => l.created_at_utc),
      ],
    );
  }

  /** The announced leaves of `type` not yet appended. */
  async announced(type: string): Promise<LogLeaf[]> {
    return rowsOf<LogLeaf>(
      this.#pool,
      "SELECT type, id, sha256, created_at_utc FROM tlog_intents WHERE type = $1 AND state = 'announced' ORDER BY id",
      [type],
    );
  }

  /** Forgets the intents of (type, id) for each id. */
  async forget(type: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#pool.query(
      "UPDATE tlog_intents SET state = 'forgotten' WHERE type = $1 AND state = 'announced' AND id = ANY($2::text[])",
      [type, [...ids]],
    );
  }

  /** The cached full tiles of `keys` ("level/index"), fetching the missing ones in one query. */
  async #fetchTiles(keys: readonly string[], fresh: boolean, on: Queryable): Promise<Map<string, TileRow>> {
    const found = new Map<string, TileRow>();
    const wanted: Array<[number, number]> = [];
    for (const key of new Set(keys)) {
      const cached = fresh ? undefined : this.#tiles.get(key);
      if (cached) found.set(key, cached);
      else {
        const [level, index] = key.split("/").map(Number) as [number, number];
        wanted.push([level, index]);
      }
    }
    if (wanted.length === 0) return found;
    const rows = await rowsOf<{ level: number; tile_index: string; hashes: Buffer; nodes: Buffer }>(
      on,
      `SELECT level, tile_index, hashes, nodes FROM tlog_tiles
        WHERE (level, tile_index) IN (SELECT * FROM unnest($1::int[], $2::bigint[]))`,
      [wanted.map((w) => w[0]), wanted.map((w) => w[1])],
    );
    for (const row of rows) {
      const key = `${row.level}/${row.tile_index}`;
      const tile = { hashes: row.hashes, nodes: row.nodes };
      found.set(key, tile);
      if (!fresh) {
        this.#tiles.set(key, tile);
        if (this.#tiles.size > TILE_CACHE_ENTRIES) this.#tiles.delete(this.#tiles.keys().next().value as string);
      }
    }
    return found;
  }

  /**
   * A NodeSource answering the complete subtrees `ids` (and only those): full tiles
   * are fetched in one query, right-edge nodes hashed from the hashes below them.
   * With `fresh`, everything is read from the database, bypassing the caches.
   */
  async nodesFor(ids: readonly NodeId[], options: { fresh?: boolean; on?: Queryable } = {}): Promise<NodeSource> {
    const fresh = options.fresh ?? false;
    const on = options.on ?? this.#pool;
    const where = (id: NodeId) => {
      const level = Math.floor(id.level / TILE_HEIGHT);
      const r = id.level % TILE_HEIGHT;
      const span = 2 ** r;
      const first = id.index * span; // first hash at level 8·level
      return { level, r, span, first, tileIndex: Math.floor(first / TILE_WIDTH) };
    };
    const tiles = await this.#fetchTiles(
      ids.map((id) => {
        const w = where(id);
        return `${w.level}/${w.tileIndex}`;
      }),
      fresh,
      on,
    );
    const known = new Map<string, Uint8Array>();
    for (const id of ids) {
      const key = `${id.level}/${id.index}`;
      if (known.has(key)) continue;
      const { level, r, span, first, tileIndex } = where(id);
      const tile = tiles.get(`${level}/${tileIndex}`);
      if (tile) {
        const at = r === 0 ? first % TILE_WIDTH : innerOffset(r) + (id.index - tileIndex * (TILE_WIDTH / span));
        known.set(key, (r === 0 ? tile.hashes : tile.nodes).subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE));
        continue;
      }
      // At the right edge, inside a tile not yet complete: hashed once, then kept (complete nodes never change).
      const edge = fresh ? undefined : this.#edge.get(key);
      if (edge) {
        known.set(key, edge);
        continue;
      }
      const hash = hashUp(await this.baseHashes(level, first, first + span, on), span);
      known.set(key, hash);
      if (!fresh) {
        this.#edge.set(key, hash);
        if (this.#edge.size > EDGE_CACHE_ENTRIES) this.#edge.delete(this.#edge.keys().next().value as string);
      }
    }
    return {
      node: (height, index) => {
        const hash = known.get(`${height}/${index}`);
        if (!hash) throw new Error(`node ${height}/${index} was not planned`);
        return hash;
      },
    };
  }

  /** MTH of the first `size` leaves (size ≥ 1), from what is stored now (bypassing the caches). */
  async freshRoot(size: number, on: Queryable = this.#pool): Promise<Uint8Array> {
    return rangeHash(0, size, await this.nodesFor(nodesOfRange(0, size), { fresh: true, on }));
  }

  /** The served tile: hashes at level 8·`level` of tile `index`, `width` of them. */
  async tileHashes(level: number, index: number, width: number): Promise<Uint8Array | undefined> {
    const tile = (await this.#fetchTiles([`${level}/${index}`], false, this.#pool)).get(`${level}/${index}`);
    if (tile) return tile.hashes.subarray(0, width * HASH_SIZE);
    if (width === TILE_WIDTH) return undefined; // not complete: only its partial form exists
    const available = Math.floor((await this.size()) / TILE_WIDTH ** level);
    if (index * TILE_WIDTH + width > available) return undefined;
    return this.baseHashes(level, index * TILE_WIDTH, index * TILE_WIDTH + width);
  }

  /** The leaves [from, to), in order. */
  async leaves(from: number, to: number): Promise<IndexedLeaf[]> {
    const rows = await rowsOf<LeafRow>(
      this.#pool,
      `SELECT leaf_index, type, id, sha256, created_at_utc FROM tlog_leaves
        WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      [from, to],
    );
    return rows.map((row) => {
      const { leaf_index, ...leaf } = leafOfRow(row);
      return { leaf_index, leaf, text: leafText(leaf) };
    });
  }

  /** The stored rows of up to `limit` leaves from index `from` (for audits: with their stored hash). */
  async storedLeaves(from: number, limit: number): Promise<StoredLeafRow[]> {
    const rows = await rowsOf<LeafRow & { leaf_hash: Buffer }>(
      this.#pool,
      `SELECT leaf_index, type, id, sha256, created_at_utc, leaf_hash FROM tlog_leaves
        WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2`,
      [from, limit],
    );
    return rows.map((r) => ({ ...leafOfRow(r), leaf_hash: r.leaf_hash }));
  }

  /** The number of leaf rows (equals size() unless rows were deleted behind the log's back). */
  async rowCount(): Promise<number> {
    const [row] = await rowsOf<{ n: string }>(this.#pool, "SELECT COUNT(*)::text AS n FROM tlog_leaves");
    return Number(row?.n ?? 0);
  }

  /** Every stored tile, by level then index, read in pages (for audits). */
  async *storedTiles(): AsyncGenerator<StoredTileRow> {
    const rows = keysetRows(
      [-1, -1] as [number, number],
      TILE_PAGE,
      (after) =>
        rowsOf<{ level: number; tile_index: string; hashes: Buffer; nodes: Buffer; root: Buffer }>(
          this.#pool,
          `SELECT level, tile_index, hashes, nodes, root FROM tlog_tiles
            WHERE (level, tile_index) > ($1, $2) ORDER BY level, tile_index LIMIT $3`,
          [after[0], after[1], TILE_PAGE],
        ),
      (row): [number, number] => [row.level, Number(row.tile_index)],
    );
    for await (const row of rows) yield { ...row, tile_index: Number(row.tile_index) };
  }

  /** Every stored checkpoint, by size (for audits). */
  async storedCheckpoints(): Promise<StoredCheckpointRow[]> {
    const rows = await rowsOf<{ tree_size: string; root: Buffer; note: string; signed_at_utc: string }>(
      this.#pool,
      "SELECT tree_size, root, note, signed_at_utc FROM tlog_checkpoints ORDER BY tree_size",
    );
    return rows.map((r) => ({ ...r, tree_size: Number(r.tree_size) }));
  }

  /** The latest stored checkpoint (as seen by `on`, default the pool). */
  async latestCheckpoint(origin: string, on: Queryable = this.#pool): Promise<SignedCheckpoint | undefined> {
    const [row] = await rowsOf<{ tree_size: string; root: Buffer; note: string; signed_at_utc: string }>(
      on,
      "SELECT tree_size, root, note, signed_at_utc FROM tlog_checkpoints ORDER BY tree_size DESC LIMIT 1",
    );
    if (!row) return undefined;
    return {
      origin,
      size: Number(row.tree_size),
      root: encodeBase64(row.root),
      note: row.note,
      signed_at_utc: row.signed_at_utc,
    };
  }

  /** Stores a signed checkpoint (a second one of the same size is ignored). */
  async saveCheckpoint(on: Queryable, size: number, root: Uint8Array, note: string, signedAt: string): Promise<void> {
    await rowsOf(
      on,
      "INSERT INTO tlog_checkpoints (tree_size, root, note, signed_at_utc) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING",
      [size, Buffer.from(root), note, signedAt],
    );
  }
}
