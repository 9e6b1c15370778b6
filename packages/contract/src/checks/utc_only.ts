/**
 * SPEC invariant 7 — UTC only. Every timestamp the service answers (`created_at_utc` in
 * artifacts and list items) is RFC 3339 in UTC (`Z`); a naive timestamp in a request
 * is refused with 400, one with an offset accepted.
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { createRun, expectProblem, get } from "../http_steps.js";

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The check of invariant 7. */
export const utcOnly: Check = {
  id: "invariant-7",
  invariant: 7,
  title: "UTC only",
  statement: "timestamps are RFC 3339 stored and answered as UTC (Z); a naive timestamp in a request → 400",
  writes: "when-allowed",
  async run(ctx) {
    if (!ctx.readOnly) {
      const { artifact } = await createRun(ctx);
      assert.match(
        String(artifact.created_at_utc),
        UTC,
        `${artifact.run_id}: created_at_utc ${artifact.created_at_utc}`,
      );
      ctx.note(`${artifact.run_id}: created_at_utc ${artifact.created_at_utc}`);
    }
    const runs = await ctx.sample();
    for (const r of runs) {
      assert.match(String(r.artifact.created_at_utc), UTC, `${r.runId}: created_at_utc ${r.artifact.created_at_utc}`);
      assert.match(String(r.summary.created_at_utc), UTC, `${r.runId} in the list: ${r.summary.created_at_utc}`);
    }
    if (runs.length > 0)
      ctx.note(`${runs.length} existing run(s): created_at_utc in UTC, in the artifact and the list`);
    await expectProblem(
      ctx,
      await get(ctx, "/runs?created_from=2026-01-01T00:00:00"),
      400,
      "GET /runs?created_from=<naive>",
    );
    const withOffset = await get(ctx, "/runs?created_from=2026-01-01T00:00:00%2B02:00&limit=1");
    assert.equal(withOffset.status, 200, `a timestamp with an offset is accepted: ${withOffset.status}`);
    await withOffset.body?.cancel();
    ctx.note("GET /runs?created_from=<with +02:00> → 200");
  },
};
