/**
 * Unit tests of the built-in approval policies, by risk level: auto-approve-green
 * approves only explanations of GREEN runs, as system:auto_explanation_green; manual
 * approves nothing; a policy bound by a plugin takes precedence over the configured one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AUTO_EXPLANATION_GREEN_REVIEWER,
  type ApprovalInput,
  type ApprovalPolicy,
} from "../../contracts/ports/advisory_approval_policy.js";
import type { AdvisoryAssetType } from "../../contracts/ports/advisory_store.js";
import { autoApproveGreenPolicy, manualPolicy, selectApprovalPolicy } from "./approval_policies.js";

const input = (risk_level: string, asset_type: AdvisoryAssetType = "EXPLANATION"): ApprovalInput => ({
  asset_type,
  provider: "rmos.rules-explainer@1",
  run: { run_id: "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0", risk_level, status: "OK" },
});

describe("auto-approve-green policy", () => {
  it("approves the explanation of a GREEN run as system:auto_explanation_green", () => {
    const outcome = autoApproveGreenPolicy.decide(input("GREEN"));
    assert.equal(outcome.action, "approve");
    assert.ok(outcome.action === "approve");
    assert.equal(outcome.reviewer_id, AUTO_EXPLANATION_GREEN_REVIEWER);
    assert.equal(AUTO_EXPLANATION_GREEN_REVIEWER, "system:auto_explanation_green");
    assert.match(outcome.note, /GREEN/);
  });

  for (const risk of ["YELLOW", "RED", "UNKNOWN", "ERROR"]) {
    it(`leaves the explanation of a ${risk} run pending for a human`, () => {
      const outcome = autoApproveGreenPolicy.decide(input(risk));
      assert.equal(outcome.action, "pending");
      assert.ok(outcome.action === "pending");
      assert.match(outcome.reason, new RegExp(risk));
    });
  }

  for (const type of ["IMAGE", "SUGGESTION", "VALIDATION"] as const) {
    it(`leaves a ${type} of a GREEN run pending (only explanations are auto-approved)`, () => {
      assert.equal(autoApproveGreenPolicy.decide(input("GREEN", type)).action, "pending");
    });
  }
});

describe("manual policy", () => {
  for (const risk of ["GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"]) {
    it(`leaves a ${risk} explanation pending`, () => {
      assert.equal(manualPolicy.decide(input(risk)).action, "pending");
    });
  }
});

describe("selectApprovalPolicy", () => {
  it("uses the configured built-in when no plugin binds one", () => {
    assert.equal(selectApprovalPolicy("auto-approve-green", undefined), autoApproveGreenPolicy);
    assert.equal(selectApprovalPolicy("manual", undefined), manualPolicy);
  });

  it("prefers a policy bound by a plugin", () => {
    const bound: ApprovalPolicy = { name: "custom", decide: () => ({ action: "pending", reason: "custom" }) };
    assert.equal(selectApprovalPolicy("auto-approve-green", bound), bound);
  });
});
