/**
 * The approval policy port: decides the review state of an advisory the service itself
 * generates (`POST /runs/{run_id}/suggest-and-attach`).
 *
 * The advisory plugin chooses a built-in policy by configuration
 * (`RMOS_ADVISORY_POLICY`, default `auto-approve-green`: an explanation of a GREEN run
 * is approved by {@link AUTO_EXPLANATION_GREEN_REVIEWER}, everything else waits for a
 * human); a plugin may provide its own (`provides: [APPROVAL_POLICY]`), which
 * then takes precedence. A policy decision is recorded as an ordinary review event,
 * with the policy's reviewer id, so the audit trail shows who (or what) decided.
 */
import type { AdvisoryAssetType } from "./advisory_store.js";
import { token } from "../token.js";

/** The reviewer id of the default policy's automatic approvals. */
export const AUTO_EXPLANATION_GREEN_REVIEWER = "system:auto_explanation_green";

/** The prefix of reviewer ids reserved for the service's own decisions. */
export const SYSTEM_REVIEWER_PREFIX = "system:";

/** What the policy decides on. */
export interface ApprovalInput {
  readonly asset_type: AdvisoryAssetType;
  readonly provider: string;
  readonly run: {
    readonly run_id: string;
    readonly risk_level: string;
    readonly status: string | null;
  };
}

/** Leave the asset pending for a human, or decide it now as `reviewer_id` (a `system:` id). */
export type ApprovalOutcome =
  | { readonly action: "pending"; readonly reason: string }
  | {
      readonly action: "approve" | "reject";
      readonly reviewer_id: string;
      readonly note: string;
    };

export interface ApprovalPolicy {
  /** Names the policy in logs and docs. */
  readonly name: string;
  decide(input: ApprovalInput): ApprovalOutcome;
}

export const APPROVAL_POLICY = token<ApprovalPolicy>("AdvisoryApprovalPolicy");
