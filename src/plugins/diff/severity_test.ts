/**
 * Tests of the severity table: one test per SPEC rule (named after it) checking the rule on
 * its own path, below it, and end to end through diffArtifacts; then the fallbacks (INFO for
 * uncovered paths, NONE for no change), longest-prefix matching on whole tokens, maxSeverity
 * and extending or overriding the table with withRules.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diffArtifacts } from "./diff_engine.js";
import { applyPatch } from "./json_patch.js";
import { parsePointer } from "../../contracts/json_pointer.js";
import type { SeverityRule } from "./severity.js";
import {
  compareSeverity,
  DEFAULT_SEVERITY_RULES,
  maxSeverity,
  ruleFor,
  SEVERITIES,
  severityOf,
  withRules,
} from "./severity.js";

/** A complete, valid-looking run artifact. */
function artifact(): Record<string, unknown> {
  return {
    schema_version: "2.0.0",
    run_id: "run_01J0000000000000000000000A",
    created_at_utc: "2024-05-01T12:00:00.000Z",
    mode: "toolpath",
    tool_id: "endmill-6mm",
    status: "BLOCKED",
    request_summary: { part: "rosette" },
    feasibility: { ok: false, checks: [{ name: "depth", ok: false }] },
    decision: { risk_level: "RED", block_reason: "too deep", warnings: ["w1"], details: {} },
    hashes: { feasibility_sha256: "a".repeat(64), gcode_sha256: "b".repeat(64) },
    outputs: { gcode_text: "G0 X0\nG1 X1\n" },
    attachments: [],
    advisory_inputs: [],
    meta: { operator: "ana" },
    created_by: "anonymous",
  };
}

/** The artifact with the value at `pointer` (which must exist) replaced by `value`. */
function changedAt(pointer: string, value: unknown): Record<string, unknown> {
  const doc = artifact();
  return applyPatch(doc, [{ op: "replace", path: pointer, value }]) as Record<string, unknown>;
}

/** A value different from the one at `pointer` in the sample artifact. */
function otherValue(pointer: string): unknown {
  return { changed: parsePointer(pointer) };
}

describe("the SPEC severity table, rule by rule", () => {
  for (const rule of DEFAULT_SEVERITY_RULES) {
    test(`${rule.pointer} is ${rule.severity}`, () => {
      assert.equal(severityOf(rule.pointer), rule.severity);
      assert.equal(severityOf(`${rule.pointer}/anything/below`), rule.severity);
      assert.ok(rule.why.length > 0);
      const result = diffArtifacts(artifact(), changedAt(rule.pointer, otherValue(rule.pointer)));
      assert.equal(result.severity, rule.severity);
      assert.ok(result.changes.every((change) => change.severity === rule.severity));
    });
  }

  test("the table is exactly the SPEC's", () => {
    const table = Object.fromEntries(DEFAULT_SEVERITY_RULES.map((r) => [r.pointer, r.severity]));
    assert.deepEqual(table, {
      "/status": "CRITICAL",
      "/decision/risk_level": "CRITICAL",
      "/decision/block_reason": "CRITICAL",
      "/hashes": "WARNING",
      "/feasibility": "WARNING",
      "/outputs": "WARNING",
      "/tool_id": "WARNING",
    });
  });

  test("everything else is INFO", () => {
    for (const path of [
      "",
      "/meta",
      "/meta/operator",
      "/mode",
      "/decision",
      "/decision/score",
      "/decision/warnings/0",
      "/decision/details/x",
      "/attachments/0/filename",
      "/advisory_inputs",
      "/request_summary",
      "/status_note",
      "/hashes2",
      "/tool_id~1x",
    ]) {
      assert.equal(severityOf(path), "INFO", path);
    }
  });

  test("equal artifacts are NONE", () => {
    const result = diffArtifacts(artifact(), artifact());
    assert.equal(result.severity, "NONE");
    assert.deepEqual(result.changes, []);
  });

  test("a wholesale change above a rule is as severe as the rule below it", () => {
    const noDecision = artifact();
    delete noDecision.decision;
    assert.equal(diffArtifacts(artifact(), noDecision).severity, "CRITICAL");
    assert.equal(diffArtifacts(artifact(), changedAt("/decision", "gone")).severity, "CRITICAL");
    const sameVerdict = changedAt("/decision/details", { extra: true });
    assert.equal(diffArtifacts(artifact(), sameVerdict).severity, "INFO");
    assert.equal(diffArtifacts(artifact(), []).severity, "CRITICAL");
  });

  test("the overall severity is the maximum of the changes", () => {
    const b = changedAt("/meta/operator", "bo");
    b.tool_id = "drill";
    b.status = "OK";
    const result = diffArtifacts(artifact(), b);
    assert.deepEqual(
      result.changes.map((c) => [c.path, c.severity]),
      [
        ["/meta/operator", "INFO"],
        ["/status", "CRITICAL"],
        ["/tool_id", "WARNING"],
      ],
    );
    assert.equal(result.severity, "CRITICAL");
  });
});

describe("severity helpers", () => {
  test("SEVERITIES are ordered and maxSeverity picks the worst", () => {
    assert.deepEqual([...SEVERITIES], ["NONE", "INFO", "WARNING", "CRITICAL"]);
    assert.equal(maxSeverity(), "NONE");
    assert.equal(maxSeverity("INFO", "CRITICAL", "WARNING"), "CRITICAL");
    assert.equal(maxSeverity("NONE", "INFO"), "INFO");
    assert.ok(compareSeverity("WARNING", "INFO") > 0);
    assert.equal(compareSeverity("NONE", "NONE"), 0);
  });

  test("the longest matching prefix wins, on whole tokens", () => {
    const rules: SeverityRule[] = [
      { pointer: "/feasibility", severity: "WARNING", why: "feasibility" },
      { pointer: "/feasibility/notes", severity: "INFO", why: "free text" },
      { pointer: "/feasibility/notes/legal", severity: "CRITICAL", why: "legal" },
    ];
    assert.equal(severityOf("/feasibility/x", rules), "WARNING");
    assert.equal(severityOf("/feasibility/notes", rules), "INFO");
    assert.equal(severityOf("/feasibility/notes/0", rules), "INFO");
    assert.equal(severityOf("/feasibility/notes/legal/0", rules), "CRITICAL");
    assert.equal(severityOf("/feasibility/notesX", rules), "WARNING");
    assert.equal(ruleFor("/feasibility/notes/1", rules)?.why, "free text");
    assert.equal(ruleFor("/meta", rules), undefined);
  });

  test("withRules extends and overrides the table without touching it", () => {
    const before = JSON.stringify(DEFAULT_SEVERITY_RULES);
    const rules = withRules(DEFAULT_SEVERITY_RULES, [
      { pointer: "/meta/approved_by", severity: "CRITICAL", why: "sign-off" },
      { pointer: "/tool_id", severity: "CRITICAL", why: "tools matter here" },
      { pointer: "/feasibility/debug", severity: "NONE", why: "noise" },
    ]);
    assert.equal(JSON.stringify(DEFAULT_SEVERITY_RULES), before);
    assert.equal(severityOf("/meta/approved_by", rules), "CRITICAL");
    assert.equal(severityOf("/tool_id", rules), "CRITICAL");
    assert.equal(rules.filter((r) => r.pointer === "/tool_id").length, 1);
    assert.equal(severityOf("/feasibility/debug/trace", rules), "NONE");
    assert.equal(severityOf("/feasibility/other", rules), "WARNING");
    assert.equal(severityOf("/status", rules), "CRITICAL");

    const b = changedAt("/meta", { approved_by: "qa" });
    assert.equal(diffArtifacts(artifact(), b, { rules }).severity, "CRITICAL");
    assert.equal(diffArtifacts(artifact(), b).severity, "INFO");
  });

  test("a rule for the empty pointer changes the default", () => {
    const rules = withRules(DEFAULT_SEVERITY_RULES, [{ pointer: "", severity: "WARNING", why: "strict" }]);
    assert.equal(severityOf("/meta", rules), "WARNING");
    assert.equal(severityOf("/status", rules), "CRITICAL");
  });

  test("withRules rejects malformed rules", () => {
    assert.throws(() => withRules([], [{ pointer: "meta", severity: "INFO", why: "" }]), /not a JSON Pointer/);
    assert.throws(() => withRules([], [{ pointer: "/meta", severity: "LOUD" as "INFO", why: "" }]), /unknown severity/);
  });
});
