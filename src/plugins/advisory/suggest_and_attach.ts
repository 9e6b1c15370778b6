/**
 * Suggest-and-attach: provider (with timeout and retries) → approval policy → asset →
 * policy decision → link, in that order, so that a failing provider leaves nothing
 * written (502/504). If a later write fails, what is already written stays valid: an
 * asset without a link, or a pending asset whose policy decision was not recorded. A
 * provider's answer is checked before use; a policy may decide only as a `system:`
 * reviewer.
 */
import { z } from "@hono/zod-openapi";
import { canonicalize } from "../../contracts/jcs.js";
import {
  type ApprovalOutcome,
  type ApprovalPolicy,
  SYSTEM_REVIEWER_PREFIX,
} from "../../contracts/ports/advisory_approval_policy.js";
import {
  type ExplanationDraft,
  type ExplanationInput,
  type ExplanationProvider,
  ExplanationProviderError,
} from "../../contracts/ports/advisory_explanation_provider.js";
import { type AdvisoryLink, advisoryContentHash } from "../../contracts/ports/advisory_store.js";
import { ProblemError } from "../../contracts/problem.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { type AdvisoryAssets, type AssetView, assetView, newAssetRecord } from "./assets.js";
import { explanationInputOf } from "./explanation_input.js";
import type { AdvisoryLinks } from "./links.js";
import type { AdvisoryMetrics } from "./metrics.js";
import { type CallPolicy, callWithRetry, ProviderCallError } from "./provider_call.js";
import type { AdvisoryReviews } from "./reviews.js";

/** The `source` of the assets suggest-and-attach creates. */
export const SUGGEST_SOURCE = "rmos:suggest-and-attach";
/** The link `kind` of the explanations suggest-and-attach attaches. */
export const EXPLANATION_KIND = "explanation";

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

export interface SuggestAndAttachDeps {
  readonly assets: AdvisoryAssets;
  readonly reviews: AdvisoryReviews;
  readonly links: AdvisoryLinks;
  readonly provider: ExplanationProvider;
  readonly policy: ApprovalPolicy;
  readonly callPolicy: CallPolicy;
  readonly metrics: AdvisoryMetrics;
  readonly logger: Logger;
}

/** Generates, decides and attaches explanations of runs. */
export class SuggestAndAttach {
  constructor(private readonly deps: SuggestAndAttachDeps) {}

  /**
   * Generates an EXPLANATION of the run, applies the approval policy and attaches it.
   * The provider runs before any write: when it fails or times out (after its retries)
   * the answer is 502/504 and nothing is stored.
   */
  async run(runId: string, principal: string): Promise<{ link: AdvisoryLink; asset: AssetView }> {
    const artifact = await this.deps.links.run(runId);
    const input = explanationInputOf(artifact);
    const { provider, policy } = this.deps;
    const draft = await this.#explain(runId, input);
    const suggestion = {
      run_id: input.run_id,
      feasibility_sha256: input.feasibility_sha256,
      risk_level: input.risk_level,
      summary: draft.summary,
      text: draft.text,
      highlights: [...draft.highlights],
    };
    const record = newAssetRecord({
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

    await this.deps.assets.write(record);
    if (outcome.action !== "pending") {
      await this.deps.reviews.decide({
        asset_id: record.asset_id,
        decision: outcome.action,
        reviewer_id: outcome.reviewer_id,
        note: outcome.note,
        recorded_at_utc: new Date().toISOString(),
      });
    }
    const { link } = await this.deps.links.link(
      runId,
      record,
      { kind: EXPLANATION_KIND, engine_id: provider.id },
      principal,
    );
    return { link, asset: assetView(record, await this.deps.reviews.events(record.asset_id)) };
  }

  /** Calls the provider with timeout and retries; 502/504 when it does not give a valid draft. */
  async #explain(runId: string, input: ExplanationInput): Promise<ExplanationDraft> {
    const { provider } = this.deps;
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
      return answer.value;
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
