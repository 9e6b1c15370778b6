/**
 * The advisory plugin's service, free of HTTP: one object the handlers call, composed
 * of the plugin's concepts — assets (assets.ts), reviews (reviews.ts), links to runs
 * (links.ts) and suggest-and-attach (suggest_and_attach.ts). It holds no rules itself.
 */
import type { ApprovalPolicy } from "../../contracts/ports/advisory_approval_policy.js";
import type { ExplanationProvider } from "../../contracts/ports/advisory_explanation_provider.js";
import type { AdvisoryLink, AdvisoryStore } from "../../contracts/ports/advisory_store.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { RunStore } from "../../contracts/ports/run_store.js";
import type { Principal } from "../../kernel/plugin_api/auth.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { AdvisoryAssets, type AssetView } from "./assets.js";
import type { LinkedRuns } from "./linked_runs.js";
import { AdvisoryLinks } from "./links.js";
import type { AdvisoryMetrics } from "./metrics.js";
import type { CallPolicy } from "./provider_call.js";
import type { ReviewState } from "./review_state.js";
import { AdvisoryReviews } from "./reviews.js";
import type { AttachAdvisoryRequest, CreateAdvisoryRequest, ReviewRequest } from "./schemas.js";
import { SuggestAndAttach } from "./suggest_and_attach.js";

export interface AdvisoryServiceDeps {
  readonly store: AdvisoryStore;
  readonly runs: RunStore;
  /** Who created the runs each asset is linked to (for the four-eyes rule). */
  readonly linkedRuns: LinkedRuns;
  readonly upcaster: () => ArtifactUpcaster | undefined;
  readonly provider: ExplanationProvider;
  readonly policy: ApprovalPolicy;
  readonly callPolicy: CallPolicy;
  readonly metrics: AdvisoryMetrics;
  readonly logger: Logger;
}

/** What the advisory routes do. */
export class AdvisoryService {
  readonly #assets: AdvisoryAssets;
  readonly #reviews: AdvisoryReviews;
  readonly #links: AdvisoryLinks;
  readonly #suggest: SuggestAndAttach;

  constructor(deps: AdvisoryServiceDeps) {
    const { store, metrics, logger } = deps;
    this.#assets = new AdvisoryAssets({ store, metrics, logger });
    this.#reviews = new AdvisoryReviews({ store, assets: this.#assets, linkedRuns: deps.linkedRuns, metrics, logger });
    this.#links = new AdvisoryLinks({
      runs: deps.runs,
      linkedRuns: deps.linkedRuns,
      upcaster: deps.upcaster,
      assets: this.#assets,
      reviews: this.#reviews,
      logger,
    });
    this.#suggest = new SuggestAndAttach({ ...deps, assets: this.#assets, reviews: this.#reviews, links: this.#links });
  }

  /** Stores a new asset (review PENDING); 422 when a sent content_hash does not match. */
  createAsset(request: CreateAdvisoryRequest, principal: string): Promise<AssetView> {
    return this.#assets.create(request, principal);
  }

  /** The asset with its review state; 404 when unknown. */
  getAsset(assetId: string): Promise<AssetView> {
    return this.#reviews.assetWithReview(assetId);
  }

  /** Records `principal`'s decision; 403 by the review rules, 409 when the asset is decided already. */
  review(assetId: string, request: ReviewRequest, principal: Principal): Promise<AssetView> {
    return this.#reviews.review(assetId, request, principal);
  }

  /** Attaches an asset to a run: `created` false when the same link exists. */
  attach(
    runId: string,
    request: AttachAdvisoryRequest,
    principal: string,
  ): Promise<{ created: boolean; link: AdvisoryLink }> {
    return this.#links.attach(runId, request, principal);
  }

  /** The run's links, each with its asset's current review state. */
  listLinks(runId: string): Promise<{ run_id: string; items: Array<{ link: AdvisoryLink; review: ReviewState }> }> {
    return this.#links.list(runId);
  }

  /** Generates an explanation of the run, applies the approval policy and attaches it. */
  suggestAndAttach(runId: string, principal: string): Promise<{ link: AdvisoryLink; asset: AssetView }> {
    return this.#suggest.run(runId, principal);
  }
}
