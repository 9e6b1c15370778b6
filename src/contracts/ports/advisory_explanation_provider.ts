/**
 * The explanation provider port: what writes the EXPLANATION asset of
 * `POST /runs/{run_id}/suggest-and-attach`.
 *
 * The advisory plugin calls the provider before it writes anything, with a timeout (the
 * `signal` aborts when it expires) and a bounded number of retries with backoff. The
 * default provider is deterministic and offline (it explains the feasibility checks,
 * the decision and its warnings); a plugin may bind another one, e.g. a language model,
 * by providing EXPLANATION_PROVIDER from its `init`. A provider that throws or answers
 * too late leaves nothing stored.
 */
import { token } from "../token.js";

/** What the provider is given: the run's identity, its decision and its feasibility evaluation. */
export interface ExplanationInput {
  readonly run_id: string;
  readonly mode: string | null;
  readonly tool_id: string | null;
  readonly status: string | null;
  readonly risk_level: string;
  readonly score: number | null;
  readonly block_reason: string | null;
  readonly warnings: readonly string[];
  readonly feasibility: Readonly<Record<string, unknown>>;
  readonly feasibility_sha256: string;
}

/** What the provider answers; the plugin checks its shape before storing it. */
export interface ExplanationDraft {
  /** One line. */
  readonly summary: string;
  /** The readable explanation. */
  readonly text: string;
  /** Short points the explanation rests on. */
  readonly highlights: readonly string[];
}

export interface ExplanationProvider {
  /** Names the provider in the asset (`provider`) and the link (`engine_id`), e.g. `rmos.rules-explainer@1`. */
  readonly id: string;
  /** Writes an explanation; should stop work when `signal` aborts. */
  explain(input: ExplanationInput, options: { readonly signal: AbortSignal }): Promise<ExplanationDraft>;
}

/** A provider failure; `retryable: false` stops the retries at once. */
export class ExplanationProviderError extends Error {
  override readonly name = "ExplanationProviderError";
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

export const EXPLANATION_PROVIDER = token<ExplanationProvider>("AdvisoryExplanationProvider");
