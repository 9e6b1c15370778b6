/**
 * The built-in approval policies, kept apart from handlers so that each can be tested
 * and replaced alone. `auto-approve-green` (the default) approves an EXPLANATION of a
 * GREEN run as `system:auto_explanation_green` and leaves everything else pending for
 * a human; `manual` leaves everything pending. `selectApprovalPolicy` prefers a policy
 * bound by another plugin (APPROVAL_POLICY) over the configured built-in one.
 */
import {
  AUTO_EXPLANATION_GREEN_REVIEWER,
  type ApprovalInput,
  type ApprovalOutcome,
  type ApprovalPolicy,
} from "../../contracts/ports/advisory_approval_policy.js";
import type { PolicyName } from "./config.js";

/** Approves explanations of GREEN runs automatically; everything else waits for a human. */
export const autoApproveGreenPolicy: ApprovalPolicy = {
  name: "auto-approve-green",
  decide(input: ApprovalInput): ApprovalOutcome {
    if (input.asset_type === "EXPLANATION" && input.run.risk_level === "GREEN") {
      return {
        action: "approve",
        reviewer_id: AUTO_EXPLANATION_GREEN_REVIEWER,
        note: `auto-approved by policy auto-approve-green: explanation of GREEN run ${input.run.run_id}`,
      };
    }
    return {
      action: "pending",
      reason: `risk level ${input.run.risk_level} (${input.asset_type}) needs a human review`,
    };
  },
};

/** Every generated advisory waits for a human. */
export const manualPolicy: ApprovalPolicy = {
  name: "manual",
  decide(): ApprovalOutcome {
    return { action: "pending", reason: "policy manual: every advisory needs a human review" };
  },
};

const BUILT_IN: Record<PolicyName, ApprovalPolicy> = {
  "auto-approve-green": autoApproveGreenPolicy,
  manual: manualPolicy,
};

/** The policy in force: one bound by a plugin when there is one, else the configured built-in. */
export function selectApprovalPolicy(configured: PolicyName, bound: ApprovalPolicy | undefined): ApprovalPolicy {
  return bound ?? BUILT_IN[configured];
}
