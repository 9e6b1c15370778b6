/**
 * SPEC invariant 1 — required fields. Writing: a create without, with a null or with an
 * empty `decision.risk_level` or `hashes.feasibility_sha256` is refused with 400 and a
 * field-level error naming it (a server that fills in a default is caught here). Always:
 * every existing run read carries a 64-hex feasibility hash and a known risk level.
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { makeCreateBody } from "../../../../src/contracts/testing/create_body.js";
import { expectProblem, pointersOf, post } from "../http_steps.js";

const RISK_LEVELS = ["GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"];

/** The check of invariant 1. */
export const requiredFields: Check = {
  id: "invariant-1",
  invariant: 1,
  title: "Required fields",
  statement:
    "no artifact without hashes.feasibility_sha256 (64 lowercase hex) and decision.risk_level; missing, null or empty → 400 with a field-level error",
  writes: "when-allowed",
  async run(ctx) {
    if (!ctx.readOnly) {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ["risk_level missing", { decision: { score: 1 } }, "/decision/risk_level"],
        ["risk_level null", { decision: { risk_level: null } }, "/decision/risk_level"],
        ["risk_level empty", { decision: { risk_level: "" } }, "/decision/risk_level"],
        ["feasibility_sha256 null", { hashes: { feasibility_sha256: null } }, "/hashes/feasibility_sha256"],
        ["feasibility_sha256 empty", { hashes: { feasibility_sha256: "" } }, "/hashes/feasibility_sha256"],
      ];
      for (const [what, overrides, pointer] of cases) {
        const problem = await expectProblem(
          ctx,
          await post(ctx, "/runs", makeCreateBody(overrides)),
          400,
          `POST /runs, ${what}`,
        );
        assert.ok(pointersOf(problem).includes(pointer), `${what}: errors[] names ${pointer}`);
      }
      ctx.note("each refusal's errors[] names the field");
    }
    const runs = await ctx.sample();
    for (const r of runs) {
      const hash = r.artifact.hashes?.feasibility_sha256;
      const risk = r.artifact.decision?.risk_level;
      assert.match(String(hash), /^[0-9a-f]{64}$/, `${r.runId}: hashes.feasibility_sha256 is ${JSON.stringify(hash)}`);
      assert.ok(RISK_LEVELS.includes(risk), `${r.runId}: decision.risk_level is ${JSON.stringify(risk)}`);
    }
    if (runs.length > 0) ctx.note(`${runs.length} existing run(s) read: each has a feasibility hash and a risk level`);
    else if (ctx.readOnly) ctx.skip("read-only and the installation holds no runs: nothing to inspect");
  },
};
