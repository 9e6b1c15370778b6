/**
 * HTTP tests of the advisory metrics: created, approved and rejected counters (by who
 * decided), the pending gauge and the approval rate over stored decisions — which is
 * NaN while there is none and is found again from the store after a restart.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, it } from "node:test";
import { jsonBody, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";
import { createRun, metric, runWithRisk } from "./support.js";

describe("advisory metrics", () => {
  it("count created, approved, rejected and pending advisories and the approval rate, across a restart", async () => {
    const dataDir = tempDir();
    try {
      const t = await startTestKernel({ dataDir });
      assert.ok(Number.isNaN(await metric(t, "rmos_advisory_approval_rate")), "no decision yet: NaN, not 0");
      assert.equal(await metric(t, "rmos_advisories_pending"), 0);

      const green = await createRun(t, runWithRisk("GREEN"));
      const red = await createRun(t, runWithRisk("RED"));
      assert.equal((await t.request(`runs/${green.run_id}/suggest-and-attach`, { method: "POST" })).status, 201);
      assert.equal((await t.request(`runs/${red.run_id}/suggest-and-attach`, { method: "POST" })).status, 201);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.request(
          "advisories",
          jsonBody({ asset_type: "IMAGE", source: "ai", provider: "img@1", suggestion_data: { i } }),
        );
        ids.push(((await res.json()) as { asset_id: string }).asset_id);
      }
      await t.request(`advisories/${ids[0]}/review`, jsonBody({ decision: "reject", reviewer_id: "ana" }));
      await t.request(`advisories/${ids[1]}/review`, jsonBody({ decision: "approve", reviewer_id: "ana" }));
      await t.request(`advisories/${ids[1]}/review`, jsonBody({ decision: "reject", reviewer_id: "bob" })); // 409: not counted

      assert.equal(await metric(t, 'rmos_advisories_created_total{asset_type="EXPLANATION"}'), 2);
      assert.equal(await metric(t, 'rmos_advisories_created_total{asset_type="IMAGE"}'), 3);
      assert.equal(await metric(t, 'rmos_advisories_approved_total{reviewer="system"}'), 1);
      assert.equal(await metric(t, 'rmos_advisories_approved_total{reviewer="human"}'), 1);
      assert.equal(await metric(t, 'rmos_advisories_rejected_total{reviewer="human"}'), 1);
      assert.equal(await metric(t, "rmos_advisories_pending"), 2, "the RED explanation and one image");
      assert.equal(await metric(t, "rmos_advisory_approval_rate"), 2 / 3);
      await t.close({ keepData: true });

      const again = await startTestKernel({ dataDir });
      try {
        assert.equal(await metric(again, "rmos_advisories_pending"), 2);
        assert.equal(await metric(again, "rmos_advisory_approval_rate"), 2 / 3);
        assert.equal(
          await metric(again, 'rmos_advisories_created_total{asset_type="IMAGE"}'),
          0,
          "counters are per process",
        );
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
