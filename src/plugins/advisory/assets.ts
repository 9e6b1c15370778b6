/**
 * Advisory assets: write-once records (explanations, suggestions, images, validations)
 * named by a fresh id and checked against their content hash, as the API shows them
 * (with the review state derived from their decision events). Creating an asset whose
 * sent `content_hash` does not match is a 422; an id taken already is a 409; a stored
 * asset that fails its integrity check is a 500, logged.
 */
import { newId } from "../../contracts/ids.js";
import {
  AdvisoryAssetExistsError,
  type AdvisoryAssetRecord,
  type AdvisoryStore,
  advisoryContentHash,
  CorruptAdvisoryError,
  type ReviewEvent,
} from "../../contracts/ports/advisory_store.js";
import { notFound, ProblemError } from "../../contracts/problem.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import type { AdvisoryMetrics } from "./metrics.js";
import { deriveReviewState, type ReviewState } from "./review_state.js";
import type { CreateAdvisoryRequest } from "./schemas.js";

/** An asset as the API answers it. */
export type AssetView = Omit<AdvisoryAssetRecord, "approved_for_workflow"> & {
  readonly approved_for_workflow: boolean;
  readonly review: ReviewState;
};

/** The API view of `asset` given its decision events. */
export function assetView(asset: AdvisoryAssetRecord, events: readonly ReviewEvent[]): AssetView {
  const review = deriveReviewState(events);
  return { ...asset, approved_for_workflow: review.state === "APPROVED", review };
}

/** A new asset record with a fresh id, created now by `principal`. */
export function newAssetRecord(fields: {
  asset_type: AdvisoryAssetRecord["asset_type"];
  source: string;
  provider: string;
  suggestion_data: Record<string, unknown>;
  content_hash: string;
  principal: string;
}): AdvisoryAssetRecord {
  const { id, time } = newId("adv");
  return {
    asset_id: id,
    asset_type: fields.asset_type,
    source: fields.source,
    provider: fields.provider,
    content_hash: fields.content_hash,
    suggestion_data: fields.suggestion_data,
    approved_for_workflow: false,
    created_at_utc: new Date(time).toISOString(),
    created_by: fields.principal,
  };
}

export interface AdvisoryAssetsDeps {
  readonly store: AdvisoryStore;
  readonly metrics: AdvisoryMetrics;
  readonly logger: Logger;
}

/** Creating, storing and finding assets. */
export class AdvisoryAssets {
  constructor(private readonly deps: AdvisoryAssetsDeps) {}

  /** Stores a new asset (review PENDING); throws 422 when a sent content_hash does not match. */
  async create(request: CreateAdvisoryRequest, principal: string): Promise<AssetView> {
    const contentHash = advisoryContentHash(request.suggestion_data); // CanonicalJsonError → 400
    if (request.content_hash !== undefined && request.content_hash !== contentHash) {
      throw new ProblemError(422, `content_hash ${request.content_hash} does not match the content (${contentHash})`, {
        slug: "hash-mismatch",
        errors: [
          {
            location: "body",
            pointer: "/content_hash",
            message: `the content hashes to ${contentHash}`,
            code: "hash_mismatch",
          },
        ],
      });
    }
    const record = newAssetRecord({
      asset_type: request.asset_type,
      source: request.source,
      provider: request.provider,
      suggestion_data: request.suggestion_data,
      content_hash: contentHash,
      principal,
    });
    await this.write(record);
    return assetView(record, []);
  }

  /** Writes `record` once; 409 when its id is taken. */
  async write(record: AdvisoryAssetRecord): Promise<void> {
    try {
      await this.deps.store.createAsset(record);
    } catch (error) {
      if (error instanceof AdvisoryAssetExistsError) {
        throw new ProblemError(409, error.message, { slug: "advisory-exists" });
      }
      throw error;
    }
    this.deps.metrics.createdAsset(record.asset_type);
  }

  /** The stored asset; 404 when unknown, 500 when damaged. */
  async find(assetId: string): Promise<AdvisoryAssetRecord> {
    let asset: AdvisoryAssetRecord | undefined;
    try {
      asset = await this.deps.store.getAsset(assetId);
    } catch (error) {
      if (error instanceof CorruptAdvisoryError) {
        this.deps.logger.error({ err: error }, "stored advisory asset corrupt");
        throw new ProblemError(
          500,
          `the stored advisory asset ${assetId} failed its integrity check; run \`rmos verify\``,
          {
            slug: "stored-advisory-corrupt",
          },
        );
      }
      throw error;
    }
    if (!asset) throw notFound("advisory asset", assetId);
    return asset;
  }
}
