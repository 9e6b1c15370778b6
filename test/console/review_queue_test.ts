/**
 * The review queue on a real kernel: an asset pending review that is linked to two runs
 * is listed once with both; a stretch of newer runs with nothing pending (more than one
 * request's worth) does not hide it on the first page; the scan is bounded, and the
 * next page continues where it stopped; a decided asset leaves the queue.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QUEUE_MAX_RUNS_PER_PAGE, QUEUE_RUNS_PER_REQUEST } from "../../src/plugins/console/review_queue.js";
import { jsonBody, sampleRunRequest, startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

let t: TestKernel;

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await t.request(path, jsonBody(body));
  assert.ok(res.status === 200 || res.status === 201, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

const newRun = async () => (await post<{ run_id: string }>("runs", sampleRunRequest())).run_id;

async function queuePage(path: string): Promise<string> {
  const res = await t.kernel.app.request(path);
  assert.equal(res.status, 200);
  return res.text();
}

let asset: string;
let runA: string;
let runB: string;

before(async () => {
  t = await startTestKernel();
  runA = await newRun();
  runB = await newRun();
  asset = (
    await post<{ asset_id: string }>("advisories", {
      asset_type: "EXPLANATION",
      source: "queue-test",
      provider: "test-provider",
      suggestion_data: { summary: "shared", text: "linked to two runs" },
    })
  ).asset_id;
  for (const run of [runA, runB])
    await post(`runs/${run}/attach-advisory`, { advisory_id: asset, kind: "explanation" });
  for (let i = 0; i < QUEUE_RUNS_PER_REQUEST + 5; i++) await newRun();
});
after(() => t.close());

describe("review queue", () => {
  it("finds a pending asset behind more than one request's worth of newer runs, once, with both runs", async () => {
    const html = await queuePage("/ui/reviews");
    const forms = html.match(new RegExp(`/ui/advisories/${asset}/review`, "g")) ?? [];
    assert.equal(forms.length, 1, "one review form for the shared asset");
    assert.match(html, /For runs /);
    assert.ok(html.includes(`/ui/runs/${runA}#advisories`) && html.includes(`/ui/runs/${runB}#advisories`));
    const scanned = QUEUE_RUNS_PER_REQUEST + 5 + 2;
    assert.match(html, new RegExp(`among the advisories of the ${scanned} most recent run\\(s\\) scanned`));
    assert.match(html, /No older runs\./);
  });

  it("stops scanning at its bound and the next page continues", async () => {
    const extra = QUEUE_MAX_RUNS_PER_PAGE;
    for (let i = 0; i < extra; i++) await newRun();
    const first = await queuePage("/ui/reviews");
    assert.doesNotMatch(first, new RegExp(`/ui/advisories/${asset}/review`));
    assert.match(first, new RegExp(`of the ${QUEUE_MAX_RUNS_PER_PAGE} most recent run\\(s\\)`));
    assert.match(first, /Nothing is waiting for review among these runs/);
    const next = /href="(\/ui\/reviews\?cursor=[^"]+)"/.exec(first)?.[1];
    assert.ok(next, "a link to older runs");
    const second = await queuePage(next.replaceAll("&amp;", "&"));
    assert.match(second, new RegExp(`/ui/advisories/${asset}/review`));
    assert.match(second, /next older run\(s\) scanned/);
  });

  it("a decided asset leaves the queue", async () => {
    await post(`advisories/${asset}/review`, { decision: "approve", reviewer_id: "qa-lead" });
    let path: string | undefined = "/ui/reviews";
    for (let pages = 0; path && pages < 5; pages++) {
      const html = await queuePage(path);
      assert.ok(!html.includes(`/ui/advisories/${asset}/review`), `still listed on ${path}`);
      path = /href="(\/ui\/reviews\?cursor=[^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    }
    assert.equal(path, undefined, "the queue ends within five pages");
  });
});
