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
 *
 * With the transparency log on, each record's leaf (the SHA-256 of its file's bytes) is
 * announced before the file is written and appended right after; `recoverLeaves` at
 * start appends the announced leaves whose file is there with those bytes (a crash in
 * between) and forgets the others. A file nobody announced never enters the log.
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
} from "../../contracts/ports/advisory_store.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { recordLeaf } from "../../contracts/record_leaves.js";
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import { sha256Hex } from "../../contracts/hashing.js";
import type { LogLeaf } from "../../contracts/tlog/leaf.js";
import { removeTempFiles, writeOnceDurable } from "../../kernel/plugin_api/storage.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { ReviewEventSchema, StoredAssetSchema } from "./schemas.js";
import { parseStoredAsset } from "./stored_asset.js";

const PARTITION = /^\d{4}-\d{2}-\d{2}$/;
const ASSET_FILE = /^(adv_[0-9A-HJKMNP-TV-Z]{26})\.json$/;
const REVIEW_FILE = /^(adv_[0-9A-HJKMNP-TV-Z]{26})\.review\.json$/;

export interface FileAdvisoryStoreOptions {
  readonly dataDir: string;
  readonly logger?: Logger;
  /** The transparency log, when loaded. */
  readonly log?: TransparencyLog | undefined;
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
  readonly #log: TransparencyLog | undefined;
  #counts = { assets: 0, approved: 0, rejected: 0 };

  constructor(options: FileAdvisoryStoreOptions) {
    this.root = path.join(options.dataDir, "advisories");
    this.#logger = options.logger;
    this.#log = options.log;
  }

  /** Writes a record file once, its leaf announced before and appended after (log on). */
  async #writeLogged(dir: string, name: string, bytes: Buffer, leaf: LogLeaf): Promise<"created" | "exists"> {
    if (this.#log) await this.#log.announce([leaf]);
    const outcome = await writeOnceDurable(dir, name, bytes);
    if (outcome === "created") await this.#log?.append([leaf]);
    return outcome;
  }

  /**
   * After a crash: appends each announced asset or review leaf whose file holds the
   * announced bytes, and forgets the others (their writes were never acknowledged).
   */
  async recoverLeaves(): Promise<{ appended: number; forgotten: number }> {
    const log = this.#log;
    if (!log) return { appended: 0, forgotten: 0 };
    let appended = 0;
    let forgotten = 0;
    for (const type of ["advisory_asset", "advisory_review"] as const) {
      const stale: string[] = [];
      for (const leaf of await log.announced(type)) {
        const name = type === "advisory_asset" ? `${leaf.id}.json` : `${leaf.id}.review.json`;
        const bytes = ADVISORY_ID_PATTERN.test(leaf.id)
          ? await readIfExists(path.join(this.#dirOf(leaf.id), name))
          : undefined;
        if (bytes && recordLeaf(type, leaf.id, bytes, leaf.created_at_utc).sha256 === leaf.sha256) {
          await log.append([leaf]);
          appended++;
        } else stale.push(leaf.id);
      }
      await log.forget(type, stale);
      forgotten += stale.length;
    }
    return { appended, forgotten };
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

  /** The digests of every stored asset and review event as the files hold them now. */
  async *logDigests(): AsyncGenerator<RecordDigest> {
    for (const partition of await this.#partitions()) {
      const dir = path.join(this.root, partition);
      for (const name of (await fs.readdir(dir)).sort()) {
        const asset = ASSET_FILE.exec(name);
        const review = REVIEW_FILE.exec(name);
        const id = asset?.[1] ?? review?.[1];
        if (!id) continue;
        const sha256 = sha256Hex(await fs.readFile(path.join(dir, name)));
        yield { type: asset ? "advisory_asset" : "advisory_review", id, sha256 };
      }
    }
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
    const leaf = recordLeaf("advisory_asset", asset.asset_id, bytes, asset.created_at_utc);
    const outcome = await this.#writeLogged(this.#dirOf(asset.asset_id), `${asset.asset_id}.json`, bytes, leaf);
    if (outcome === "exists") throw new AdvisoryAssetExistsError(asset.asset_id);
    this.#counts.assets++;
  }

  async getAsset(assetId: string): Promise<AdvisoryAssetRecord | undefined> {
    const file = path.join(this.#dirOf(assetId), `${assetId}.json`);
    const bytes = await readIfExists(file);
    if (!bytes) return undefined;
    return parseStoredAsset(assetId, bytes, this.locationOf(assetId));
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
    const bytes = Buffer.from(canonicalize(valid), "utf8");
    const leaf = recordLeaf("advisory_review", event.asset_id, bytes, valid.recorded_at_utc);
    const outcome = await this.#writeLogged(dir, name, bytes, leaf);
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
