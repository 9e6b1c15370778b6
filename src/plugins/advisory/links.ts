/**
 * Links between advisory assets and runs: write-once sidecars beside the run (the run's
 * own bytes never change). Attaching the same asset again answers the existing link;
 * attaching it as another kind is a 409. A run's links are listed with their assets'
 * review states; a damaged link is a 500. Runs are read through the shared run lookup
 * (404 unknown, 500 corrupt) and upcast to the current schema when an upcaster is bound.
 */
import { canonicalize } from "../../contracts/jcs.js";
import {
  ADVISORY_LINK_PREFIX,
  type AdvisoryAssetRecord,
  type AdvisoryLink,
  advisoryLinkName,
} from "../../contracts/ports/advisory_store.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { RunStore, StoredArtifact } from "../../contracts/ports/run_store.js";
import { ProblemError } from "../../contracts/problem.js";
import { getRunOrProblem } from "../../contracts/run_lookup.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import type { AdvisoryAssets } from "./assets.js";
import type { LinkedRuns } from "./linked_runs.js";
import { deriveReviewState, type ReviewState } from "./review_state.js";
import type { AdvisoryReviews } from "./reviews.js";
import { AdvisoryLinkSchema, type AttachAdvisoryRequest } from "./schemas.js";

const LINK_NAME = /^advisory_(adv_[0-9A-HJKMNP-TV-Z]{26})$/;

export interface AdvisoryLinksDeps {
  readonly runs: RunStore;
  readonly linkedRuns: LinkedRuns;
  readonly upcaster: () => ArtifactUpcaster | undefined;
  readonly assets: AdvisoryAssets;
  readonly reviews: AdvisoryReviews;
  readonly logger: Logger;
}

/** Attaching assets to runs and listing a run's links. */
export class AdvisoryLinks {
  constructor(private readonly deps: AdvisoryLinksDeps) {}

  /** The run's artifact in the current schema version; 404 unknown, 500 corrupt. */
  async run(runId: string): Promise<StoredArtifact> {
    const { artifact } = await getRunOrProblem(this.deps.runs, runId);
    return this.deps.upcaster()?.toCurrent(artifact) ?? artifact;
  }

  /** Attaches an asset to a run: `created` false when the same link exists (answered unchanged). */
  async attach(
    runId: string,
    request: AttachAdvisoryRequest,
    principal: string,
  ): Promise<{ created: boolean; link: AdvisoryLink }> {
    await this.run(runId);
    const asset = await this.deps.assets.find(request.advisory_id);
    return this.link(runId, asset, { kind: request.kind, engine_id: request.engine_id }, principal);
  }

  /** The run's links (oldest asset first), each with its asset's current review state. */
  async list(runId: string): Promise<{ run_id: string; items: Array<{ link: AdvisoryLink; review: ReviewState }> }> {
    await this.run(runId);
    const items: Array<{ link: AdvisoryLink; review: ReviewState }> = [];
    for (const name of await this.deps.runs.listSidecars(runId, ADVISORY_LINK_PREFIX)) {
      const m = LINK_NAME.exec(name);
      if (!m) {
        this.deps.logger.warn(
          { run_id: runId, sidecar: name },
          "sidecar with the advisory prefix is not a link; skipped",
        );
        continue;
      }
      // Sidecars are write-once and never deleted: one listed but gone is damage, not absence.
      const bytes = (await this.deps.runs.getSidecar(runId, name)) ?? Buffer.alloc(0);
      const link = this.#parse(runId, m[1] as string, bytes);
      items.push({ link, review: deriveReviewState(await this.deps.reviews.events(link.advisory_id)) });
    }
    return { run_id: runId, items };
  }

  /** Writes the link of `asset` to run `runId` once; the same link again answers the existing one. */
  async link(
    runId: string,
    asset: AdvisoryAssetRecord,
    as: { kind: string; engine_id?: string | undefined },
    principal: string,
  ): Promise<{ created: boolean; link: AdvisoryLink }> {
    const link: AdvisoryLink = {
      run_id: runId,
      advisory_id: asset.asset_id,
      kind: as.kind,
      ...(as.engine_id !== undefined ? { engine_id: as.engine_id } : {}),
      asset_type: asset.asset_type,
      content_hash: asset.content_hash,
      created_at_utc: new Date().toISOString(),
      created_by: principal,
    };
    const bytes = Buffer.from(canonicalize(AdvisoryLinkSchema.parse(link)), "utf8");
    // The reverse record first, so that a link never exists without it (four eyes).
    const runCreatedBy = (await this.run(runId)).created_by;
    await this.deps.linkedRuns.record(asset.asset_id, runId, typeof runCreatedBy === "string" ? runCreatedBy : "");
    const put = await this.deps.runs.putSidecar(runId, advisoryLinkName(asset.asset_id), bytes);
    if (put.created) return { created: true, link };
    const existing = this.#parse(runId, asset.asset_id, put.bytes);
    if (existing.kind !== link.kind || existing.engine_id !== link.engine_id) {
      throw new ProblemError(
        409,
        `advisory ${asset.asset_id} is already attached to run ${runId} as kind ${JSON.stringify(existing.kind)}${existing.engine_id !== undefined ? ` (engine ${JSON.stringify(existing.engine_id)})` : ""}; links are write-once`,
        { slug: "advisory-link-conflict", extensions: { link: existing } },
      );
    }
    return { created: false, link: existing };
  }

  #parse(runId: string, advisoryId: string, bytes: Buffer): AdvisoryLink {
    let link: AdvisoryLink | undefined;
    try {
      link = AdvisoryLinkSchema.parse(JSON.parse(bytes.toString("utf8"))) as AdvisoryLink;
    } catch {
      link = undefined;
    }
    if (!link || link.run_id !== runId || link.advisory_id !== advisoryId) {
      throw new ProblemError(
        500,
        `the stored advisory link of ${advisoryId} on run ${runId} is damaged; run \`rmos verify\``,
        {
          slug: "stored-advisory-corrupt",
        },
      );
    }
    return link;
  }
}
