/**
 * The embedded advisory store: one write-once file per asset and one per review
 * decision, under `<data>/advisories/<YYYY-MM-DD>/`, the partition being the UTC date
 * encoded in the asset id (a ULID), so a directory holds one day of assets.
 *
 * `<asset_id>.json` holds the RFC 8785 canonical JSON of the asset and
 * `<asset_id>.review.json` the decision event; both are written with
 * `writeOnceDurable` (temp file, fsync, hard link, directory fsync): a file is wholly
 * there or not at all, survives a crash once acknowledged, and its name can be taken
 * only once — so of two concurrent decisions exactly one is recorded, without locks or
 * transactions. Everything read back is parsed and its content hash recomputed; a
 * damaged record raises CorruptAdvisoryError. Counts for the metrics are taken by one
 * scan in `open()` (before the service answers requests) and kept up to date by this
 * process's writes; the embedded store serves a single process.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { decodeTime } from "ulid";
import { ADVISORY_ID_PATTERN } from "../../contracts/ids.js";
import { canonicalize } from "../../contracts/jcs.js";
import {
  AdvisoryAssetExistsError,
  type AdvisoryAssetRecord,
  type AdvisoryStats,
  type AdvisoryStore,
  CorruptAdvisoryError,
  type DecisionOutcome,
  type ReviewEvent,
  advisoryContentHash,
} from "../../contracts/ports/advisory_store.js";
import { removeTempFiles, writeOnceDurable } from "../../kernel/plugin_api/storage.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { ReviewEventSchema, StoredAssetSchema } from "./schemas.js";

const PARTITION = /^\d{4}-\d{2}-\d{2}$/;
const ASSET_FILE = /^(adv_[0-9A-HJKMNP-TV-Z]{26})\.json$/;
const REVIEW_FILE = /^(adv_[0-9A-HJKMNP-TV-Z]{26})\.review\.json$/;

export interface FileAdvisoryStoreOptions {
  readonly dataDir: string;
  readonly logger?: Logger;
}

/** The partition (UTC date) of an asset id; refuses anything that is not an advisory id. */
export function partitionOf(assetId: string): string {
  if (!ADVISORY_ID_PATTERN.test(assetId)) throw new Error(`${JSON.stringify(assetId)} is not an advisory id`);
  return new Date(decodeTime(assetId.slice(4))).toISOString().slice(0, 10);
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export class FileAdvisoryStore implements AdvisoryStore {
  /** `<data>/advisories` */
  readonly root: string;
  readonly #logger: Logger | undefined;
  #counts = { assets: 0, approved: 0, rejected: 0 };

  constructor(options: FileAdvisoryStoreOptions) {
    this.root = path.join(options.dataDir, "advisories");
    this.#logger = options.logger;
  }

  /** Removes temp files left by a crash and counts what is stored. */
  async open(): Promise<{ assets: number; decisions: number; unreadable: number }> {
    const counts = { assets: 0, approved: 0, rejected: 0 };
    let unreadable = 0;
    for (const partition of await this.#partitions()) {
      const dir = path.join(this.root, partition);
      await removeTempFiles(dir);
      for (const name of await fs.readdir(dir)) {
        if (ASSET_FILE.test(name)) counts.assets++;
        const review = REVIEW_FILE.exec(name);
        if (!review) continue;
        try {
          const event = this.#parseEvent(
            review[1] as string,
            path.join(dir, name),
            await fs.readFile(path.join(dir, name)),
          );
          if (event.decision === "approve") counts.approved++;
          else counts.rejected++;
        } catch (error) {
          unreadable++;
          this.#logger?.error({ err: error, file: path.join(dir, name) }, "advisory review event unreadable");
        }
      }
    }
    this.#counts = counts;
    return { assets: counts.assets, decisions: counts.approved + counts.rejected, unreadable };
  }

  /** Every stored asset id, partition by partition, in id order within each. */
  async *scan(): AsyncIterable<string> {
    for (const partition of await this.#partitions()) {
      const names = (await fs.readdir(path.join(this.root, partition))).sort();
      for (const name of names) {
        const asset = ASSET_FILE.exec(name);
        if (asset) yield asset[1] as string;
      }
    }
  }

  async #partitions(): Promise<string[]> {
    try {
      return (await fs.readdir(this.root)).filter((n) => PARTITION.test(n)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  #dirOf(assetId: string): string {
    return path.join(this.root, partitionOf(assetId));
  }

  /** Where an asset's file lives, relative to the data directory. */
  locationOf(assetId: string): string {
    return `advisories/${partitionOf(assetId)}/${assetId}.json`;
  }

  async createAsset(asset: AdvisoryAssetRecord): Promise<void> {
    const bytes = Buffer.from(canonicalize(StoredAssetSchema.parse(asset)), "utf8");
    const outcome = await writeOnceDurable(this.#dirOf(asset.asset_id), `${asset.asset_id}.json`, bytes);
    if (outcome === "exists") throw new AdvisoryAssetExistsError(asset.asset_id);
    this.#counts.assets++;
  }

  async getAsset(assetId: string): Promise<AdvisoryAssetRecord | undefined> {
    const file = path.join(this.#dirOf(assetId), `${assetId}.json`);
    const bytes = await readIfExists(file);
    if (!bytes) return undefined;
    const where = this.locationOf(assetId);
    let parsed: AdvisoryAssetRecord;
    try {
      parsed = StoredAssetSchema.parse(JSON.parse(bytes.toString("utf8"))) as AdvisoryAssetRecord;
    } catch (error) {
      throw new CorruptAdvisoryError(
        assetId,
        where,
        `not a valid asset record (${(error as Error).message.slice(0, 200)})`,
      );
    }
    if (parsed.asset_id !== assetId) throw new CorruptAdvisoryError(assetId, where, `it names ${parsed.asset_id}`);
    if (canonicalize(parsed) !== bytes.toString("utf8")) {
      throw new CorruptAdvisoryError(assetId, where, "its bytes are not the canonical JSON that was written");
    }
    const actual = advisoryContentHash(parsed.suggestion_data);
    if (actual !== parsed.content_hash) {
      throw new CorruptAdvisoryError(
        assetId,
        where,
        `content hash is ${actual}, the record says ${parsed.content_hash}`,
      );
    }
    return parsed;
  }

  async recordDecision(event: ReviewEvent): Promise<DecisionOutcome> {
    const dir = this.#dirOf(event.asset_id);
    try {
      await fs.access(path.join(dir, `${event.asset_id}.json`));
    } catch {
      throw new Error(`advisory asset ${event.asset_id} is not stored; a decision needs its asset`);
    }
    const valid = ReviewEventSchema.parse(event) as ReviewEvent;
    const name = `${event.asset_id}.review.json`;
    const outcome = await writeOnceDurable(dir, name, Buffer.from(canonicalize(valid), "utf8"));
    if (outcome === "created") {
      if (valid.decision === "approve") this.#counts.approved++;
      else this.#counts.rejected++;
      return { recorded: true, event: valid };
    }
    const existing = this.#parseEvent(event.asset_id, path.join(dir, name), await fs.readFile(path.join(dir, name)));
    return { recorded: false, existing };
  }

  async reviewEvents(assetId: string): Promise<ReviewEvent[]> {
    const file = path.join(this.#dirOf(assetId), `${assetId}.review.json`);
    const bytes = await readIfExists(file);
    return bytes ? [this.#parseEvent(assetId, file, bytes)] : [];
  }

  #parseEvent(assetId: string, file: string, bytes: Buffer): ReviewEvent {
    let event: ReviewEvent;
    try {
      event = ReviewEventSchema.parse(JSON.parse(bytes.toString("utf8"))) as ReviewEvent;
    } catch (error) {
      throw new CorruptAdvisoryError(
        assetId,
        file,
        `review event unreadable (${(error as Error).message.slice(0, 200)})`,
      );
    }
    if (event.asset_id !== assetId)
      throw new CorruptAdvisoryError(assetId, file, `review event names ${event.asset_id}`);
    return event;
  }

  async stats(): Promise<AdvisoryStats> {
    return { ...this.#counts };
  }

  async close(): Promise<void> {
    // Nothing is held open: every write opens, syncs and closes its own file.
  }
}
