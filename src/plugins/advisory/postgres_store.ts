/**
 * The AdvisoryStore on PostgreSQL (tables of migrations/postgres/0001_advisory.sql),
 * shared by every instance. An asset row keeps the RFC 8785 canonical bytes of the
 * record, as the embedded store's file does, and is inserted once (primary key: a
 * second create of the id is AdvisoryAssetExistsError). A decision is an event row;
 * the unique index on asset_id admits one, so of two concurrent decisions on any
 * instances exactly one is recorded and the other is answered with it. Everything read
 * back is parsed, checked to be the canonical bytes, and its content hash recomputed;
 * a damaged record raises CorruptAdvisoryError. Counts come from the tables, so every
 * instance reports the same. With the transparency log on, a record's leaf (the SHA-256
 * of its canonical bytes) is appended in the transaction that inserts its row.
 */
import type pg from "pg";
import { sha256Hex } from "../../contracts/hashing.js";
import { canonicalize } from "../../contracts/jcs.js";
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import {
  AdvisoryAssetExistsError,
  type AdvisoryAssetRecord,
  type AdvisoryStats,
  type AdvisoryStore,
  CorruptAdvisoryError,
  type DecisionOutcome,
  type ReviewEvent,
} from "../../contracts/ports/advisory_store.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { recordLeaf } from "../../contracts/record_leaves.js";
import type { LogLeaf } from "../../contracts/tlog/leaf.js";
import { inClientTransaction, isStorableKey, keysetRows } from "../../kernel/plugin_api/storage.js";
import { ReviewEventSchema, StoredAssetSchema } from "./schemas.js";
import { parseStoredAsset } from "./stored_asset.js";

const FOREIGN_KEY_VIOLATION = "23503";

export class PostgresAdvisoryStore implements AdvisoryStore {
  readonly #pool: pg.Pool;
  readonly #log: TransparencyLog | undefined;

  /**
   * A store on `pool`, whose database `rmos db migrate` has migrated (the pool stays
   * the caller's); each record's leaf goes to `log` in its row's transaction.
   */
  constructor(pool: pg.Pool, log?: TransparencyLog) {
    this.#pool = pool;
    this.#log = log;
  }

  /** Inserts a record row (ON CONFLICT DO NOTHING) and, when it was new and the log is on, its leaf with it. */
  async #insert(sql: string, params: unknown[], leaf: LogLeaf): Promise<number | null> {
    const log = this.#log;
    if (!log) return (await this.#pool.query(sql, params)).rowCount;
    return inClientTransaction(this.#pool, async (client) => {
      const { rowCount } = await client.query(sql, params);
      if (rowCount === 1) await log.appendWithClient(client, [leaf]);
      return rowCount;
    });
  }

  async createAsset(asset: AdvisoryAssetRecord): Promise<void> {
    const valid = StoredAssetSchema.parse(asset) as AdvisoryAssetRecord;
    const bytes = Buffer.from(canonicalize(valid), "utf8");
    const rowCount = await this.#insert(
      `INSERT INTO advisory_assets (asset_id, asset_type, content_hash, created_at_utc, record) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (asset_id) DO NOTHING`,
      [valid.asset_id, valid.asset_type, valid.content_hash, valid.created_at_utc, bytes],
      recordLeaf("advisory_asset", valid.asset_id, bytes, valid.created_at_utc),
    );
    if (rowCount !== 1) throw new AdvisoryAssetExistsError(asset.asset_id);
  }

  async getAsset(assetId: string): Promise<AdvisoryAssetRecord | undefined> {
    if (!isStorableKey(assetId)) return undefined;
    const { rows } = await this.#pool.query<{ record: Buffer }>(
      "SELECT record FROM advisory_assets WHERE asset_id = $1",
      [assetId],
    );
    const bytes = rows[0]?.record;
    if (!bytes) return undefined;
    return parseStoredAsset(assetId, bytes, `advisory_assets/${assetId}`);
  }

  async recordDecision(event: ReviewEvent): Promise<DecisionOutcome> {
    const valid = ReviewEventSchema.parse(event) as ReviewEvent;
    let rowCount: number | null;
    const bytes = Buffer.from(canonicalize(valid), "utf8");
    try {
      rowCount = await this.#insert(
        `INSERT INTO advisory_review_events (asset_id, decision, recorded_at_utc, record) VALUES ($1, $2, $3, $4)
         ON CONFLICT (asset_id) DO NOTHING`,
        [valid.asset_id, valid.decision, valid.recorded_at_utc, bytes],
        recordLeaf("advisory_review", valid.asset_id, bytes, valid.recorded_at_utc),
      );
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
        throw new Error(`advisory asset ${event.asset_id} is not stored; a decision needs its asset`);
      }
      throw error;
    }
    if (rowCount === 1) return { recorded: true, event: valid };
    const [existing] = await this.reviewEvents(event.asset_id);
    if (!existing) throw new Error(`the decision on ${event.asset_id} was refused as a second one but cannot be read`);
    return { recorded: false, existing };
  }

  async reviewEvents(assetId: string): Promise<ReviewEvent[]> {
    if (!isStorableKey(assetId)) return [];
    const { rows } = await this.#pool.query<{ record: Buffer }>(
      "SELECT record FROM advisory_review_events WHERE asset_id = $1 ORDER BY recorded_at_utc",
      [assetId],
    );
    return rows.map(({ record }) => {
      const where = `advisory_review_events/${assetId}`;
      let event: ReviewEvent;
      try {
        event = ReviewEventSchema.parse(JSON.parse(record.toString("utf8"))) as ReviewEvent;
      } catch (error) {
        throw new CorruptAdvisoryError(
          assetId,
          where,
          `review event unreadable (${(error as Error).message.slice(0, 200)})`,
        );
      }
      if (event.asset_id !== assetId)
        throw new CorruptAdvisoryError(assetId, where, `review event names ${event.asset_id}`);
      return event;
    });
  }

  async stats(): Promise<AdvisoryStats> {
    const { rows } = await this.#pool.query<{
      assets: string | number;
      approved: string | number;
      rejected: string | number;
    }>(
      `SELECT (SELECT count(*) FROM advisory_assets) AS assets,
              count(*) FILTER (WHERE decision = 'approve') AS approved,
              count(*) FILTER (WHERE decision = 'reject') AS rejected
         FROM advisory_review_events`,
    );
    const row = rows[0];
    return {
      assets: Number(row?.assets ?? 0),
      approved: Number(row?.approved ?? 0),
      rejected: Number(row?.rejected ?? 0),
    };
  }

  /** Every stored asset id in id order, read in batches of 1000 (keyset pagination). */
  async *scan(): AsyncIterable<string> {
    for await (const row of this.#rowsOf<{ asset_id: string }>("advisory_assets", "asset_id")) yield row.asset_id;
  }

  /** Every stored asset and review event, hashed from the bytes stored now, for `rmos verify`'s log reconciliation. */
  async *logDigests(): AsyncGenerator<RecordDigest> {
    for (const [table, type] of [
      ["advisory_assets", "advisory_asset"],
      ["advisory_review_events", "advisory_review"],
    ] as const) {
      for await (const row of this.#rowsOf<{ asset_id: string; record: Buffer }>(table, "asset_id, record")) {
        yield { type, id: row.asset_id, sha256: sha256Hex(row.record) };
      }
    }
  }

  /** `columns` of every row of `table` (keyed by asset_id), by asset id, 1000 per round trip. */
  #rowsOf<Row extends { asset_id: string }>(table: string, columns: string): AsyncGenerator<Row> {
    return keysetRows(
      "",
      1000,
      async (after) =>
        (
          await this.#pool.query<Row>(
            `SELECT ${columns} FROM ${table} WHERE asset_id > $1 ORDER BY asset_id LIMIT 1000`,
            [after],
          )
        ).rows,
      (row) => row.asset_id,
    );
  }

  /** Nothing to release: the pool belongs to the caller. */
  async close(): Promise<void> {}
}
