/**
 * The artifact's consistency rules (SPEC "Run artifact"): status BLOCKED needs a
 * `decision.block_reason`, status ERROR goes with risk ERROR or UNKNOWN. Creates runs.
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { makeCreateBody } from "../../../../src/contracts/testing/create_body.js";
import { expectProblem, post } from "../http_steps.js";

/** The consistency-rules check. */
export const consistencyRules: Check = {
  id: "consistency",
  title: "Consistency rules",
  statement: "BLOCKED needs a block_reason; ERROR goes with risk_level ERROR or UNKNOWN",
  writes: "always",
  async run(ctx) {
    const blocked = makeCreateBody({ status: "BLOCKED", decision: { risk_level: "RED" } });
    await expectProblem(ctx, await post(ctx, "/runs", blocked), 400, "POST /runs, BLOCKED without block_reason");
    const error = makeCreateBody({ status: "ERROR", decision: { risk_level: "GREEN" } });
    await expectProblem(ctx, await post(ctx, "/runs", error), 400, "POST /runs, ERROR with risk GREEN");
    const ok = await post(
      ctx,
      "/runs",
      makeCreateBody({ status: "BLOCKED", decision: { risk_level: "RED", block_reason: "chipload out of range" } }),
    );
    assert.equal(ok.status, 201, `BLOCKED with a block_reason: ${ok.status}`);
    ctx.note(`POST /runs, BLOCKED with a block_reason → 201 ${((await ok.json()) as { run_id: string }).run_id}`);
  },
};
