/**
 * Who wrote it and who approved it, from the credential (SPEC "Authentication and
 * roles"), against a real kernel with RMOS_AUTH=on and real tokens: `created_by` of
 * runs, advisory assets, links, suggest-and-attach and workflow sessions and their
 * events is the principal; a review's reviewer is the principal (a different
 * `reviewer_id` is 403, leaving it out records the principal); four eyes — no principal
 * reviews an asset it created nor one linked to a run it created (403), whoever linked
 * it — while a different reviewer may. And with RMOS_AUTH=off the body's reviewer_id is
 * recorded as before.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type AuthKernel, startAuthKernel } from "../../src/testing/auth_kernel.js";
import { jsonBody, sampleRunRequest, startTestKernel } from "../../src/testing/test_kernel.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read response documents loosely; a wrong guess fails the test
type Doc = Record<string, any>;

const ASSET = { asset_type: "EXPLANATION", source: "ai", provider: "test", suggestion_data: { text: "why" } };

let k: AuthKernel;

async function call(who: string, path: string, init: RequestInit, status: number): Promise<Doc> {
  const res = await k.t.request(path, k.as(who, init));
  const text = await res.text();
  assert.equal(res.status, status, `${who} ${init.method ?? "GET"} ${path}: ${text}`);
  return text ? (JSON.parse(text) as Doc) : {};
}

const newRun = (who: string) => call(who, "runs", jsonBody(sampleRunRequest()), 201);
const newAsset = (who: string, data: unknown = { text: `why ${Math.random()}` }) =>
  call(who, "advisories", jsonBody({ ...ASSET, suggestion_data: data }), 201);
const review = (who: string, assetId: string, body: Doc, status: number) =>
  call(who, `advisories/${assetId}/review`, jsonBody(body), status);

before(async () => {
  k = await startAuthKernel({
    w1: ["writer"],
    w2: ["writer"],
    rev: ["reviewer"],
    both: ["writer", "reviewer"],
    both2: ["writer", "reviewer"],
  });
});
after(async () => {
  await k.close();
});

describe("created_by is the principal", () => {
  test("runs, assets, links, suggest-and-attach, sessions and session events", async () => {
    const run = await newRun("w1");
    assert.equal(run.created_by, "token:w1");
    assert.equal((await call("rev", `runs/${run.run_id}`, {}, 200)).created_by, "token:w1", "as stored");
    const asset = await newAsset("w2");
    assert.equal(asset.created_by, "token:w2");
    const link = await call(
      "both",
      `runs/${run.run_id}/attach-advisory`,
      jsonBody({ advisory_id: asset.asset_id, kind: "explanation" }),
      201,
    );
    assert.equal(link.created_by, "token:both");
    const suggested = await call("w2", `runs/${run.run_id}/suggest-and-attach`, jsonBody({}), 201);
    assert.equal(suggested.link.created_by, "token:w2");
    assert.equal(suggested.asset.created_by, "token:w2");
    const session = await call("w1", "workflow-sessions", jsonBody({ workflow: "cut" }), 201);
    assert.equal(session.created_by, "token:w1");
    const moved = await call(
      "w2",
      `workflow-sessions/${session.session_id}/events`,
      jsonBody({ event: "submit_feasibility", run_id: run.run_id }, { "if-match": '"1"' }),
      200,
    );
    assert.equal(moved.created_by, "token:w1", "the session keeps its creator");
    const events = await call("rev", `workflow-sessions/${session.session_id}/events`, {}, 200);
    assert.deepEqual(
      events.items.map((e: Doc) => e.created_by),
      ["token:w2"],
    );
  });

  test("a created_by in the body is refused, not taken", async () => {
    const res = await k.t.request("runs", k.as("w1", jsonBody(sampleRunRequest({ created_by: "token:someone-else" }))));
    assert.equal(res.status, 400, await res.clone().text());
  });
});

describe("the reviewer is the principal", () => {
  test("reviewer_id left out records the principal; equal to it is accepted", async () => {
    const a = await newAsset("w1");
    const reviewed = await review("rev", a.asset_id, { decision: "approve" }, 201);
    assert.equal(reviewed.review.reviewer_id, "token:rev");
    assert.equal(reviewed.review.state, "APPROVED");
    const b = await newAsset("w1");
    assert.equal(
      (await review("rev", b.asset_id, { decision: "reject", reviewer_id: "token:rev" }, 201)).review.reviewer_id,
      "token:rev",
    );
  });

  test("a different reviewer_id is 403 problem+json and nothing is recorded", async () => {
    const a = await newAsset("w1");
    for (const reviewer_id of ["ana", "token:w1", "token:rev2", "anonymous"]) {
      const res = await k.t.request(
        `advisories/${a.asset_id}/review`,
        k.as("rev", jsonBody({ decision: "approve", reviewer_id })),
      );
      assert.equal(res.status, 403, reviewer_id);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.equal(((await res.json()) as Doc).type, "urn:rmos:problem:reviewer-mismatch");
    }
    assert.equal((await call("rev", `advisories/${a.asset_id}`, {}, 200)).review.state, "PENDING");
  });
});

describe("four eyes", () => {
  test("no principal reviews an asset it created", async () => {
    const a = await newAsset("both");
    const res = await k.t.request(`advisories/${a.asset_id}/review`, k.as("both", jsonBody({ decision: "approve" })));
    assert.equal(res.status, 403);
    const p = (await res.json()) as Doc;
    assert.equal(p.type, "urn:rmos:problem:four-eyes");
    assert.match(p.detail, /created this advisory asset/);
    assert.equal((await review("both2", a.asset_id, { decision: "approve" }, 201)).review.reviewer_id, "token:both2");
  });

  test("no principal reviews an asset linked to a run it created, whoever linked it", async () => {
    const run = await newRun("both");
    const a = await newAsset("w1");
    await call(
      "w2",
      `runs/${run.run_id}/attach-advisory`,
      jsonBody({ advisory_id: a.asset_id, kind: "explanation" }),
      201,
    );
    const res = await k.t.request(`advisories/${a.asset_id}/review`, k.as("both", jsonBody({ decision: "reject" })));
    assert.equal(res.status, 403);
    const p = (await res.json()) as Doc;
    assert.equal(p.type, "urn:rmos:problem:four-eyes");
    assert.match(p.detail, /created a run this advisory asset is linked to/);
    assert.equal((await call("rev", `advisories/${a.asset_id}`, {}, 200)).review.state, "PENDING");
    assert.equal((await review("rev", a.asset_id, { decision: "reject" }, 201)).review.state, "REJECTED");
  });

  test("suggest-and-attach: the writer who created the run cannot approve its pending explanation", async () => {
    const run = await call(
      "both",
      "runs",
      jsonBody(
        sampleRunRequest({ status: "OK", decision: { risk_level: "YELLOW", warnings: ["clamp"], details: {} } }),
      ),
      201,
    );
    const suggested = await call("w1", `runs/${run.run_id}/suggest-and-attach`, jsonBody({}), 201);
    assert.equal(suggested.asset.review.state, "PENDING", JSON.stringify(suggested.asset.review));
    const res = await k.t.request(
      `advisories/${suggested.asset.asset_id}/review`,
      k.as("both", jsonBody({ decision: "approve" })),
    );
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as Doc).type, "urn:rmos:problem:four-eyes");
  });

  test("a review refused for four eyes does not say more about an unknown asset: 404 as for anyone", async () => {
    const res = await k.t.request(
      "advisories/adv_01JN0000000000000000000000/review",
      k.as("both", jsonBody({ decision: "approve" })),
    );
    assert.equal(res.status, 404);
  });
});

describe("with RMOS_AUTH=off", () => {
  test("the body's reviewer_id is recorded (required, as before); four eyes cannot apply to anonymous", async () => {
    const t = await startTestKernel();
    try {
      const created = await t.request("advisories", jsonBody(ASSET));
      const a = (await created.json()) as Doc;
      assert.equal(a.created_by, "anonymous");
      const missing = await t.request(`advisories/${a.asset_id}/review`, jsonBody({ decision: "approve" }));
      assert.equal(missing.status, 400);
      const ok = await t.request(
        `advisories/${a.asset_id}/review`,
        jsonBody({ decision: "approve", reviewer_id: "ana" }),
      );
      assert.equal(ok.status, 201);
      assert.equal(((await ok.json()) as Doc).review.reviewer_id, "ana");
    } finally {
      await t.close();
    }
  });
});
