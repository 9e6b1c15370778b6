/**
 * SPEC invariant 3 — write-once. PUT, PATCH and DELETE on a run answer 405 (problem+json)
 * and change nothing (the ETag, a hash of the bytes, is the same before and after);
 * the legacy `PATCH /runs/{id}/meta` answers 410. Writing: on a run the contract
 * creates; read-only: on the newest existing run (the requests are refusals by
 * contract, so a compliant service changes nothing).
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { API, createRun, expectProblem } from "../http_steps.js";

/** The check of invariant 3. */
export const writeOnce: Check = {
  id: "invariant-3",
  invariant: 3,
  title: "Write-once",
  statement: "PUT/PATCH/DELETE on a run → 405 and nothing changes; the legacy PATCH /runs/{id}/meta → 410",
  writes: "when-allowed",
  async run(ctx) {
    let runId: string;
    if (ctx.readOnly) {
      const newest = (await ctx.sample())[0];
      if (!newest) return ctx.skip("read-only and the installation holds no runs: nothing to try to modify");
      runId = newest.runId;
    } else {
      runId = (await createRun(ctx)).artifact.run_id;
    }
    const path = `${API}/runs/${runId}`;
    const before = await ctx.target.fetch(path);
    assert.equal(before.status, 200, `GET ${path}: ${before.status}`);
    const etag = before.headers.get("etag");
    const bytesBefore = Buffer.from(await before.arrayBuffer());
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await ctx.target.fetch(path, {
        method,
        headers: { "content-type": "application/json" },
        ...(method === "DELETE" ? {} : { body: JSON.stringify({ status: "BLOCKED" }) }),
      });
      await expectProblem(ctx, res, 405, `${method} ${path}`);
    }
    const meta = await ctx.target.fetch(`${path}/meta`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operator: "someone else" }),
    });
    await expectProblem(ctx, meta, 410, `PATCH ${path}/meta`);
    const afterRes = await ctx.target.fetch(path);
    assert.equal(afterRes.status, 200, `${runId} is still there after the refused calls: ${afterRes.status}`);
    const bytesAfter = Buffer.from(await afterRes.arrayBuffer());
    assert.equal(afterRes.headers.get("etag"), etag, `${runId}: ETag unchanged`);
    assert.ok(bytesAfter.equals(bytesBefore), `${runId}: bytes unchanged`);
    ctx.note(`${runId}: ETag ${etag} and bytes unchanged afterwards`);
  },
};
