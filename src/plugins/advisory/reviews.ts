/**
 * Reviews of advisory assets: append-only decision events, one decision per asset
 * (a second is a 409 naming the first), and the asset with its derived review state.
 * The reviewer recorded is the principal (a different `reviewer_id` in the body is a
 * 403), and four eyes: no principal reviews an asset it created or one linked to a run
 * it created (403) — both from the kernel's review rules; with authentication off the
 * body's `reviewer_id` is recorded as given.
 * A stored event that fails its integrity check is a 500, logged.
 */
import { type AdvisoryStore, CorruptAdvisoryError, type ReviewEvent } from "../../contracts/ports/advisory_store.js";
import { ProblemError } from "../../contracts/problem.js";
import { assertFourEyes, type Principal, reviewerFor } from "../../kernel/plugin_api/auth.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { type AdvisoryAssets, type AssetView, assetView } from "./assets.js";
import type { LinkedRuns } from "./linked_runs.js";
import type { AdvisoryMetrics } from "./metrics.js";
import { deriveReviewState } from "./review_state.js";
import type { ReviewRequest } from "./schemas.js";

export interface AdvisoryReviewsDeps {
  readonly store: AdvisoryStore;
  readonly assets: AdvisoryAssets;
  readonly linkedRuns: LinkedRuns;
  readonly metrics: AdvisoryMetrics;
  readonly logger: Logger;
}

/** Recording and reading review decisions. */
export class AdvisoryReviews {
  constructor(private readonly deps: AdvisoryReviewsDeps) {}

  /** The asset with its review state; 404 when unknown. */
  async assetWithReview(assetId: string): Promise<AssetView> {
    const asset = await this.deps.assets.find(assetId);
    return assetView(asset, await this.events(assetId));
  }

  /** Records `principal`'s decision; 403 by the review rules, 409 when the asset is decided already. */
  async review(assetId: string, request: ReviewRequest, principal: Principal): Promise<AssetView> {
    const reviewer = reviewerFor(principal, request.reviewer_id);
    const asset = await this.deps.assets.find(assetId);
    assertFourEyes(principal, {
      assetCreatedBy: asset.created_by,
      linkedRunsCreatedBy: await this.deps.linkedRuns.creatorsOf(assetId),
    });
    await this.decide({
      asset_id: assetId,
      decision: request.decision,
      reviewer_id: reviewer,
      note: request.note ?? null,
      recorded_at_utc: new Date().toISOString(),
    });
    return assetView(asset, await this.events(assetId));
  }

  /** Appends a decision event; 409 when one is recorded already (a decision is final). */
  async decide(event: ReviewEvent): Promise<void> {
    const outcome = await this.deps.store.recordDecision(event);
    if (!outcome.recorded) {
      const review = deriveReviewState([outcome.existing]);
      throw new ProblemError(
        409,
        `advisory ${event.asset_id} was already ${review.state.toLowerCase()} by ${outcome.existing.reviewer_id} at ${outcome.existing.recorded_at_utc}; a decision is final`,
        { slug: "advisory-already-reviewed", extensions: { review } },
      );
    }
    this.deps.metrics.decided(outcome.event.decision, outcome.event.reviewer_id);
  }

  /** The asset's decision events; 500 when one is damaged. */
  async events(assetId: string): Promise<ReviewEvent[]> {
    try {
      return await this.deps.store.reviewEvents(assetId);
    } catch (error) {
      if (error instanceof CorruptAdvisoryError) {
        this.deps.logger.error({ err: error }, "stored advisory review event corrupt");
        throw new ProblemError(500, `the stored review of advisory ${assetId} is damaged; run \`rmos verify\``, {
          slug: "stored-advisory-corrupt",
        });
      }
      throw error;
    }
  }
}
