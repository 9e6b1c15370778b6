/**
 * The rules of the advisory plugin, free of HTTP: create and read write-once assets,
 * record review decisions as append-only events (one decision per asset, a second is a
 * 409), attach assets to runs as write-once link sidecars (the same link again answers
 * the existing one), list a run's links with their review states, and
 * suggest-and-attach: provider (with timeout and retries) → approval policy → asset →
 * policy decision → link, in that order, so that a failing provider leaves nothing
 * written. If a later write fails, what is already written stays valid: an asset
 * without a link, or a pending asset whose policy decision was not recorded.
 */
import { z } from "@hono/zod-openapi";
import { newId } from "../../contracts/ids.js";
import { canonicalize } from "../../contracts/jcs.js";
import {
  type ApprovalOutcome,
  type ApprovalPolicy,
  SYSTEM_REVIEWER_PREFIX,
} from "../../contracts/ports/advisory_approval_policy.js";
import {
  type ExplanationDraft,
  type ExplanationProvider,
  ExplanationProviderError,
} from "../../contracts/ports/advisory_explanation_provider.js";
import {
  ADVISORY_LINK_PREFIX,
  AdvisoryAssetExistsError,
  type AdvisoryAssetRecord,
  type AdvisoryLink,
  type AdvisoryStore,
  CorruptAdvisoryError,
  type ReviewEvent,
  advisoryContentHash,
  advisoryLinkName,
} from "../../contracts/ports/advisory_store.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import { CorruptArtifactError, type RunStore, type StoredArtifact } from "../../contracts/ports/run_store.js";
import { ProblemError, notFound } from "../../contracts/problem.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { explanationInputOf } from "./explanation_input.js";
import type { AdvisoryMetrics } from "./metrics.js";
import { type CallPolicy, ProviderCallError, callWithRetry } from "./provider_call.js";
import { type ReviewState, deriveReviewState } from "./review_state.js";
import {
  AdvisoryLinkSchema,
  type AttachAdvisoryRequest,
  type CreateAdvisoryRequest,
  type ReviewRequest,
} from "./schemas.js";

/** The `source` of the assets suggest-and-attach creates. */
export const SUGGEST_SOURCE = "rmos:suggest-and-attach";
/** The link `kind` of the explanations suggest-and-attach attaches. */
export const EXPLANATION_KIND = "explanation";

const LINK_NAME = /^advisory_(adv_[0-9A-HJKMNP-TV-Z]{26})$/;

/** An asset as the API answers it. */
export type AssetView = Omit<AdvisoryAssetRecord, "approved_for_workflow"> & {
  readonly approved_for_workflow: boolean;
  readonly review: ReviewState;
};

export interface AdvisoryServiceDeps {
  readonly store: AdvisoryStore;
  readonly runs: RunStore;
  readonly upcaster: () => ArtifactUpcaster | undefined;
  readonly provider: ExplanationProvider;
  readonly policy: ApprovalPolicy;
  readonly callPolicy: CallPolicy;
  readonly metrics: AdvisoryMetrics;
  readonly logger: Logger;
}

const ExplanationDraftSchema = z
  .object({
    summary: z.string().min(1).max(2000),
    text: z.string().min(1).max(200_000),
    highlights: z.array(z.string().max(2000)).max(500),
  })
  .strict();

/** Checks a provider's answer; a malformed one is a (retryable) provider failure, never stored. */
export function checkDraft(value: unknown): ExplanationDraft {
  const parsed = ExplanationDraftSchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`).join("; ");
    throw new ExplanationProviderError(`the provider answered an invalid explanation: ${where}`);
  }
  try {
    canonicalize(parsed.data);
  } catch (error) {
    throw new ExplanationProviderError(
      `the provider's explanation has no canonical JSON form: ${(error as Error).message}`,
    );
  }
  return parsed.data;
}

export class AdvisoryService {
  constructor(private readonly deps: AdvisoryServiceDeps) {}

  /** Stores a new asset (review PENDING); throws 422 when a sent content_hash does not match. */
  async createAsset(request: CreateAdvisoryRequest, principal: string): Promise<AssetView> {
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
    const record = this.#record({
      asset_type: request.asset_type,
      source: request.source,
      provider: request.provider,
      suggestion_data: request.suggestion_data,
      content_hash: contentHash,
      principal,
    });
    await this.#write(record);
    return this.#view(record, []);
  }

  /** The asset with its review state; 404 when unknown. */
  async getAsset(assetId: string): Promise<AssetView> {
    const asset = await this.#asset(assetId);
    return this.#view(asset, await this.#events(assetId));
  }

  /** Records a human decision; 409 when the asset is decided already. */
  async review(assetId: string, request: ReviewRequest): Promise<AssetView> {
    const asset = await this.#asset(assetId);
    const event: ReviewEvent = {
      asset_id: assetId,
      decision: request.decision,
      reviewer_id: request.reviewer_id,
      note: request.note ?? null,
      recorded_at_utc: new Date().toISOString(),
    };
    await this.#decide(event);
    return this.#view(asset, await this.#events(assetId));
  }

  /** Attaches an asset to a run: `created` false when the same link exists (answered unchanged). */
  async attach(
    runId: string,
    request: AttachAdvisoryRequest,
    principal: string,
  ): Promise<{ created: boolean; link: AdvisoryLink }> {
    await this.#run(runId);
    const asset = await this.#asset(request.advisory_id);
    return this.#link(runId, asset, { kind: request.kind, engine_id: request.engine_id }, principal);
  }

  /** The run's links (oldest asset first), each with its asset's current review state. */
  async listLinks(
    runId: string,
  ): Promise<{ run_id: string; items: Array<{ link: AdvisoryLink; review: ReviewState }> }> {
    await this.#run(runId);
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
      const link = this.#parseLink(runId, m[1] as string, bytes);
      items.push({ link, review: deriveReviewState(await this.#events(link.advisory_id)) });
    }
    return { run_id: runId, items };
  }

  /**
   * Generates an EXPLANATION of the run, applies the approval policy and attaches it.
   * The provider runs before any write: when it fails or times out (after its retries)
   * the answer is 502/504 and nothing is stored.
   */
  async suggestAndAttach(runId: string, principal: string): Promise<{ link: AdvisoryLink; asset: AssetView }> {
    const artifact = await this.#run(runId);
    const input = explanationInputOf(artifact);
    const { provider, policy } = this.deps;
    let draft: ExplanationDraft;
    try {
      const answer = await callWithRetry(
        async (signal) => checkDraft(await provider.explain(input, { signal })),
        this.deps.callPolicy,
        {
          onFailure: (failure) => {
            this.deps.metrics.providerFailures.inc({ outcome: failure.kind });
            this.deps.logger.warn(
              { run_id: runId, provider: provider.id, ...failure },
              "explanation provider attempt failed",
            );
          },
          onAbandoned: (error) =>
            this.deps.logger.info(
              { err: error, run_id: runId, provider: provider.id },
              "timed-out provider attempt settled late; ignored",
            ),
        },
      );
      draft = answer.value;
    } catch (error) {
      if (!(error instanceof ProviderCallError)) throw error;
      const timeout = error.kind === "timeout";
      throw new ProblemError(
        timeout ? 504 : 502,
        `the explanation provider ${provider.id} ${timeout ? "did not answer in time" : "failed"} after ${error.failures.length} attempt(s); nothing was stored. Last: ${error.failures.at(-1)?.message ?? "unknown"}`,
        {
          slug: timeout ? "advisory-provider-timeout" : "advisory-provider-failed",
          extensions: { provider: provider.id, attempts: error.failures },
        },
      );
    }
    const suggestion = {
      run_id: input.run_id,
      feasibility_sha256: input.feasibility_sha256,
      risk_level: input.risk_level,
      summary: draft.summary,
      text: draft.text,
      highlights: [...draft.highlights],
    };
    const record = this.#record({
      asset_type: "EXPLANATION",
      source: SUGGEST_SOURCE,
      provider: provider.id,
      suggestion_data: suggestion,
      content_hash: advisoryContentHash(suggestion),
      principal,
    });
    const outcome = policy.decide({
      asset_type: record.asset_type,
      provider: provider.id,
      run: { run_id: runId, risk_level: input.risk_level, status: input.status },
    });
    checkPolicyOutcome(policy.name, outcome);

    await this.#write(record);
    if (outcome.action !== "pending") {
      await this.#decide({
        asset_id: record.asset_id,
        decision: outcome.action,
        reviewer_id: outcome.reviewer_id,
        note: outcome.note,
        recorded_at_utc: new Date().toISOString(),
      });
    }
    const { link } = await this.#link(runId, record, { kind: EXPLANATION_KIND, engine_id: provider.id }, principal);
    return { link, asset: this.#view(record, await this.#events(record.asset_id)) };
  }

  #record(fields: {
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

  async #write(record: AdvisoryAssetRecord): Promise<void> {
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

  async #decide(event: ReviewEvent): Promise<void> {
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

  async #link(
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
    const put = await this.deps.runs.putSidecar(runId, advisoryLinkName(asset.asset_id), bytes);
    if (put.created) return { created: true, link };
    const existing = this.#parseLink(runId, asset.asset_id, put.bytes);
    if (existing.kind !== link.kind || existing.engine_id !== link.engine_id) {
      throw new ProblemError(
        409,
        `advisory ${asset.asset_id} is already attached to run ${runId} as kind ${JSON.stringify(existing.kind)}${existing.engine_id !== undefined ? ` (engine ${JSON.stringify(existing.engine_id)})` : ""}; links are write-once`,
        { slug: "advisory-link-conflict", extensions: { link: existing } },
      );
    }
    return { created: false, link: existing };
  }

  #parseLink(runId: string, advisoryId: string, bytes: Buffer): AdvisoryLink {
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

  async #run(runId: string): Promise<StoredArtifact> {
    let artifact: StoredArtifact | undefined;
    try {
      artifact = (await this.deps.runs.get(runId))?.artifact;
    } catch (error) {
      if (error instanceof CorruptArtifactError) {
        throw new ProblemError(500, `the stored artifact ${runId} failed its integrity check; run \`rmos verify\``, {
          slug: "stored-artifact-corrupt",
        });
      }
      throw error;
    }
    if (!artifact) throw notFound("run", runId);
    return this.deps.upcaster()?.toCurrent(artifact) ?? artifact;
  }

  async #asset(assetId: string): Promise<AdvisoryAssetRecord> {
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

  async #events(assetId: string): Promise<ReviewEvent[]> {
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

  #view(asset: AdvisoryAssetRecord, events: readonly ReviewEvent[]): AssetView {
    const review = deriveReviewState(events);
    return { ...asset, approved_for_workflow: review.state === "APPROVED", review };
  }
}

/** A policy may decide only as a `system:` reviewer, so that its decisions are never mistaken for a human's. */
function checkPolicyOutcome(policy: string, outcome: ApprovalOutcome): void {
  if (outcome.action !== "pending" && !outcome.reviewer_id.startsWith(SYSTEM_REVIEWER_PREFIX)) {
    throw new Error(
      `approval policy ${policy} decided as ${JSON.stringify(outcome.reviewer_id)}; a policy must decide as a "${SYSTEM_REVIEWER_PREFIX}" reviewer`,
    );
  }
}
