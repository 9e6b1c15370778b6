/**
 * The advisory store port: write-once advisory assets and their append-only review
 * events, whatever the backend.
 *
 * An advisory asset (an AI image, explanation, suggestion or validation) is stored once
 * and never changed; its `content_hash` is the SHA-256 of the RFC 8785 canonical JSON of
 * its `suggestion_data`. A review is an event appended beside the asset; an asset takes
 * at most one decision (approve or reject), and the store makes "exactly one decision"
 * atomic: of two concurrent decisions one is recorded, the other is answered with the
 * recorded one. The review state of an asset is derived from its events, never stored
 * in the asset. Assets are linked to runs by advisory links, which live beside the run
 * as run-store sidecars named `advisory_<advisory_id>` (see {@link advisoryLinkName}).
 * The embedded backend keeps files; a PostgreSQL backend can implement the same
 * interface with insert-only tables.
 */
import { canonicalSha256 } from "../hashing.js";
import { token } from "../token.js";

/** The kinds of advisory asset. */
export const ADVISORY_ASSET_TYPES = ["IMAGE", "EXPLANATION", "SUGGESTION", "VALIDATION"] as const;
export type AdvisoryAssetType = (typeof ADVISORY_ASSET_TYPES)[number];

/** An advisory asset as stored: write-once. `approved_for_workflow` is always stored false. */
export interface AdvisoryAssetRecord {
  readonly asset_id: string;
  readonly asset_type: AdvisoryAssetType;
  readonly source: string;
  readonly provider: string;
  readonly content_hash: string;
  readonly suggestion_data: Readonly<Record<string, unknown>>;
  readonly approved_for_workflow: false;
  readonly created_at_utc: string;
  readonly created_by: string;
}

/** A review decision. */
export type ReviewDecision = "approve" | "reject";

/** One append-only review event. */
export interface ReviewEvent {
  readonly asset_id: string;
  readonly decision: ReviewDecision;
  readonly reviewer_id: string;
  readonly note: string | null;
  readonly recorded_at_utc: string;
}

/** Counts over everything stored (for metrics). */
export interface AdvisoryStats {
  readonly assets: number;
  readonly approved: number;
  readonly rejected: number;
}

/** The outcome of recording a decision: recorded, or refused because the asset was decided already. */
export type DecisionOutcome =
  | { readonly recorded: true; readonly event: ReviewEvent }
  | { readonly recorded: false; readonly existing: ReviewEvent };

/** Raised by `createAsset` for an asset id that is already stored. */
export class AdvisoryAssetExistsError extends Error {
  override readonly name = "AdvisoryAssetExistsError";
  constructor(readonly assetId: string) {
    super(`advisory asset ${assetId} is already stored; assets are write-once`);
  }
}

/** Raised when a stored asset or event cannot be read back as what was written. */
export class CorruptAdvisoryError extends Error {
  override readonly name = "CorruptAdvisoryError";
  constructor(
    readonly assetId: string,
    readonly location: string,
    reason: string,
  ) {
    super(`stored advisory ${assetId} at ${location} is corrupt: ${reason}`);
  }
}

export interface AdvisoryStore {
  /** Writes a new asset once, durably; throws AdvisoryAssetExistsError. */
  createAsset(asset: AdvisoryAssetRecord): Promise<void>;
  /** The stored asset, or undefined; throws CorruptAdvisoryError when its record is damaged. */
  getAsset(assetId: string): Promise<AdvisoryAssetRecord | undefined>;
  /** Appends a decision event unless the asset already has one (then answers that one). */
  recordDecision(event: ReviewEvent): Promise<DecisionOutcome>;
  /** The asset's review events, oldest first. */
  reviewEvents(assetId: string): Promise<ReviewEvent[]>;
  /** Counts of stored assets and decisions. */
  stats(): Promise<AdvisoryStats>;
  /** Every stored asset id, in id order (`rmos db copy` walks a whole store with it). */
  scan(): AsyncIterable<string>;
  close(): Promise<void>;
}

export const ADVISORY_STORE = token<AdvisoryStore>("AdvisoryStore");

/** An advisory link: which asset is attached to which run, as kind and engine. Write-once. */
export interface AdvisoryLink {
  readonly run_id: string;
  readonly advisory_id: string;
  readonly kind: string;
  readonly engine_id?: string;
  readonly asset_type: AdvisoryAssetType;
  /** The content hash of the asset when it was attached: the link pins the content. */
  readonly content_hash: string;
  readonly created_at_utc: string;
  readonly created_by: string;
}

/** The prefix of every advisory-link sidecar name. */
export const ADVISORY_LINK_PREFIX = "advisory_";

/** The run-store sidecar name of the link to `advisoryId` (file `<run_id>_advisory_<advisory_id>.json`). */
export function advisoryLinkName(advisoryId: string): string {
  return `${ADVISORY_LINK_PREFIX}${advisoryId}`;
}

/** The content hash of an asset: SHA-256 of the canonical JSON of its `suggestion_data`. */
export function advisoryContentHash(suggestionData: unknown): string {
  return canonicalSha256(suggestionData);
}
