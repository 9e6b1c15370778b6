/**
 * Unit tests of the default (rules) explainer: it explains checks, decision, block
 * reason and warnings readably, is deterministic (the same run gives the same text
 * whatever the key order of its feasibility object), bounds long lists, and never
 * fails or answers an invalid draft on arbitrary feasibility JSON.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { ExplanationInput } from "../../contracts/ports/advisory_explanation_provider.js";
import { feasibilityChecks, explainRun, rulesExplainer } from "./rules_explainer.js";
import { checkDraft } from "./suggest_and_attach.js";

const base: ExplanationInput = {
  run_id: "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0",
  mode: "rosette",
  tool_id: "tool_vbit_60",
  status: "OK",
  risk_level: "GREEN",
  score: 0.93,
  block_reason: null,
  warnings: [],
  feasibility: { material: "maple", depth_mm: 1.5, checks: [{ name: "chipload", ok: true, value: 0.02 }] },
  feasibility_sha256: "a".repeat(64),
};

describe("explainRun", () => {
  it("explains a GREEN run: decision, every check with its value, the inputs, the hash it rests on", () => {
    const draft = explainRun(base);
    assert.match(draft.summary, /^GREEN: run run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0 \(rosette, tool tool_vbit_60\)/);
    assert.match(draft.summary, /all 1 feasibility check\(s\) passed/);
    assert.match(draft.text, /Score: 0\.93\./);
    assert.match(draft.text, /- chipload: passed \(value 0\.02\)/);
    assert.match(draft.text, /Warnings: none\./);
    assert.match(draft.text, /- material = maple/);
    assert.match(draft.text, /feasibility_sha256 a{64}/);
    assert.deepEqual(draft.highlights, ["risk level GREEN"]);
  });

  it("names failed checks, the block reason and every warning of a RED run", () => {
    const draft = explainRun({
      ...base,
      risk_level: "RED",
      status: "BLOCKED",
      block_reason: "depth exceeds tool reach",
      warnings: ["spindle near max", "thin wall"],
      feasibility: {
        checks: [
          { name: "reach", ok: false, value: 12, limit: 10 },
          { name: "chipload", passed: true },
          { name: "heat", status: "unknown-ish" },
        ],
      },
    });
    assert.match(
      draft.summary,
      /not safe to run as requested; 1 of 3 feasibility check\(s\) failed, 1 without a clear result/,
    );
    assert.match(draft.text, /Blocked because: depth exceeds tool reach\./);
    assert.match(draft.text, /- reach: FAILED \(value 12, limit 10\)/);
    assert.match(draft.text, /- heat: no clear result/);
    assert.match(draft.text, /Warnings \(2\):\n- spindle near max\n- thin wall/);
    assert.deepEqual(draft.highlights, [
      "risk level RED",
      "blocked: depth exceeds tool reach",
      "failed check: reach",
      "warning: spindle near max",
      "warning: thin wall",
    ]);
  });

  it("reads checks given as an object of name → result, sorted by name", () => {
    const checks = feasibilityChecks({ checks: { z_limit: false, chipload: { ok: true }, feed: "odd" } });
    assert.deepEqual(
      checks.map((c) => [c.name, c.ok]),
      [
        ["chipload", true],
        ["feed", null],
        ["z_limit", false],
      ],
    );
  });

  it("says so when the evaluation lists no checks", () => {
    const draft = explainRun({ ...base, risk_level: "UNKNOWN", feasibility: {} });
    assert.match(
      draft.summary,
      /not assessed: the risk could not be determined; the feasibility evaluation lists no structured checks/,
    );
    assert.match(draft.text, /Feasibility checks: none listed\./);
  });

  it("cuts long lists at a bound", () => {
    const checks = Array.from({ length: 120 }, (_, i) => ({ name: `c${i}`, ok: false }));
    const draft = explainRun({ ...base, feasibility: { checks } });
    assert.match(draft.text, /- … and 70 more/);
    assert.ok(draft.highlights.length <= 1 + 50);
  });

  it("is deterministic: key order of the feasibility object does not change a byte", () => {
    const reordered = { checks: base.feasibility.checks, depth_mm: 1.5, material: "maple" };
    assert.deepEqual(explainRun({ ...base, feasibility: reordered }), explainRun(base));
  });

  it("never throws and always answers a valid draft on arbitrary feasibility JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
        fc.constantFrom("GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"),
        async (feasibility, warnings, risk_level) => {
          const input = { ...base, feasibility, warnings, risk_level };
          const draft = await rulesExplainer.explain(input, { signal: new AbortController().signal });
          assert.deepEqual(checkDraft(draft), draft);
          assert.deepEqual(explainRun(input), draft);
        },
      ),
      { numRuns: 150 },
    );
  });
});
