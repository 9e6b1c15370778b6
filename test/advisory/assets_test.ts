/**
 * HTTP tests of advisory assets and reviews: an asset is stored write-once with the
 * content hash the server computes (SHA-256 of the canonical JSON of suggestion_data),
 * bad input is a 4xx problem and stores nothing, a review is an append-only event that
 * derives the asset's state, a second decision is a 409, and of concurrent decisions
 * exactly one is recorded.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type TestKernel, jsonBody, startTestKernel } from "../../src/testing/test_kernel.js";
import { type Doc, advisoryFiles } from "./support.js";

const body = (over: Record<string, unknown> = {}) => ({
  asset_type: "SUGGESTION",
  source: "ai",
  provider: "model-x@2",
  suggestion_data: { b: [1, 2.5, "ü"], a: { z: true, y: null } },
  ...over,
});

describe("advisory assets and reviews (HTTP)", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel();
  });
  after(() => t.close());

  const create = async (over: Record<string, unknown> = {}) => {
    const res = await t.request("advisories", jsonBody(body(over)));
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Doc;
  };

  it("POST /advisories answers 201 with the asset, pending, and a Location", async () => {
    const res = await t.request("advisories", jsonBody(body()));
    assert.equal(res.status, 201);
    const asset = (await res.json()) as Doc;
    assert.match(asset.asset_id, /^adv_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(res.headers.get("location"), `/api/rmos/advisories/${asset.asset_id}`);
    assert.equal(asset.asset_type, "SUGGESTION");
    assert.equal(asset.source, "ai");
    assert.equal(asset.provider, "model-x@2");
    assert.equal(asset.approved_for_workflow, false);
    assert.match(asset.created_at_utc, /Z$/);
    assert.equal(asset.review.state, "PENDING");
    assert.deepEqual(asset.review.events, []);
  });

  it("computes content_hash as SHA-256 of the RFC 8785 canonical JSON of suggestion_data", async () => {
    const asset = await create();
    const canonical = '{"a":{"y":null,"z":true},"b":[1,2.5,"ü"]}';
    assert.equal(asset.content_hash, createHash("sha256").update(canonical, "utf8").digest("hex"));
    const reordered = await create({ suggestion_data: { a: { y: null, z: true }, b: [1.0, 2.5, "ü"] } });
    assert.equal(reordered.content_hash, asset.content_hash, "key order and 1.0 vs 1 do not change the hash");
  });

  it("accepts a matching client content_hash and refuses a wrong one with 422, storing nothing", async () => {
    const first = await create();
    await create({ content_hash: first.content_hash });
    const before = advisoryFiles(t);
    const res = await t.request("advisories", jsonBody(body({ content_hash: "0".repeat(64) })));
    assert.equal(res.status, 422);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    const problem = (await res.json()) as Doc;
    assert.equal(problem.type, "urn:rmos:problem:hash-mismatch");
    assert.equal(problem.errors[0].pointer, "/content_hash");
    assert.deepEqual(advisoryFiles(t), before);
  });

  for (const [name, init] of [
    ["an unknown asset_type", jsonBody(body({ asset_type: "POEM" }))],
    ["an unknown field", jsonBody(body({ approved_for_workflow: true }))],
    ["a missing suggestion_data", jsonBody({ asset_type: "IMAGE", source: "ai", provider: "p" })],
    ["a suggestion_data that is not an object", jsonBody(body({ suggestion_data: [1, 2] }))],
    ["an empty source", jsonBody(body({ source: "" }))],
    ["malformed JSON", { method: "POST", headers: { "content-type": "application/json" }, body: '{"asset_type":' }],
    [
      "a __proto__ member (it would be dropped, changing the content)",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body()).replace('"suggestion_data":{', '"suggestion_data":{"__proto__":{"x":1},'),
      },
    ],
    [
      "a lone surrogate in the content",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body()).replace('"ü"', '"\\ud800"'),
      },
    ],
  ] as const) {
    it(`answers ${name} with a 400 problem and stores nothing`, async () => {
      const before = advisoryFiles(t);
      const res = await t.request("advisories", init as RequestInit);
      assert.equal(res.status, 400, await res.clone().text());
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      const problem = (await res.json()) as Doc;
      assert.equal(problem.status, 400);
      assert.equal(typeof problem.detail, "string");
      assert.deepEqual(advisoryFiles(t), before);
    });
  }

  it("GET /advisories/{id} answers the asset; 404 unknown; 400 malformed or traversal ids", async () => {
    const asset = await create();
    const res = await t.request(`advisories/${asset.asset_id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), asset);
    assert.equal((await t.request("advisories/adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0")).status, 404);
    for (const bad of [
      "adv_123",
      "..%2F..%2Fetc%2Fpasswd",
      "%2e%2e",
      "adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X%00",
      "ａdv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0",
    ]) {
      const r = await t.request(`advisories/${bad}`);
      assert.ok(r.status === 400 || r.status === 404, `${bad} → ${r.status}`);
      assert.equal(r.headers.get("content-type"), "application/problem+json");
    }
  });

  it("records an approval as an event: APPROVED, approved_for_workflow true, the asset file unchanged", async () => {
    const asset = await create();
    const file = path.join(t.dataDir, "advisories", asset.created_at_utc.slice(0, 10), `${asset.asset_id}.json`);
    const bytes = fs.readFileSync(file);
    const res = await t.request(
      `advisories/${asset.asset_id}/review`,
      jsonBody({ decision: "approve", reviewer_id: "ana", note: "matches the shop rules" }),
    );
    assert.equal(res.status, 201);
    const reviewed = (await res.json()) as Doc;
    assert.equal(reviewed.review.state, "APPROVED");
    assert.equal(reviewed.review.reviewer_id, "ana");
    assert.equal(reviewed.review.note, "matches the shop rules");
    assert.equal(reviewed.approved_for_workflow, true);
    assert.equal(reviewed.review.events.length, 1);
    assert.equal(reviewed.content_hash, asset.content_hash);
    assert.deepEqual(fs.readFileSync(file), bytes, "the asset's bytes never change");
    const again = (await (await t.request(`advisories/${asset.asset_id}`)).json()) as Doc;
    assert.deepEqual(again, reviewed);
  });

  it("answers a second decision with 409 carrying the recorded review, and changes nothing", async () => {
    const asset = await create();
    const first = await t.request(
      `advisories/${asset.asset_id}/review`,
      jsonBody({ decision: "reject", reviewer_id: "bob" }),
    );
    assert.equal(first.status, 201);
    for (const second of [
      { decision: "approve", reviewer_id: "ana" },
      { decision: "reject", reviewer_id: "bob" },
    ]) {
      const res = await t.request(`advisories/${asset.asset_id}/review`, jsonBody(second));
      assert.equal(res.status, 409);
      const problem = (await res.json()) as Doc;
      assert.equal(problem.type, "urn:rmos:problem:advisory-already-reviewed");
      assert.equal(problem.review.state, "REJECTED");
      assert.equal(problem.review.reviewer_id, "bob");
    }
    const now = (await (await t.request(`advisories/${asset.asset_id}`)).json()) as Doc;
    assert.equal(now.review.state, "REJECTED");
    assert.equal(now.review.events.length, 1);
    assert.equal(now.approved_for_workflow, false);
  });

  it("records exactly one of concurrent decisions", async () => {
    const asset = await create();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.request(
          `advisories/${asset.asset_id}/review`,
          jsonBody({ decision: i % 2 ? "approve" : "reject", reviewer_id: `reviewer-${i}` }),
        ),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    const now = (await (await t.request(`advisories/${asset.asset_id}`)).json()) as Doc;
    assert.equal(now.review.events.length, 1);
  });

  it("refuses reviews from reserved system: reviewers, bad decisions, unknown and malformed assets", async () => {
    const asset = await create();
    const cases: Array<[string, unknown, number]> = [
      [asset.asset_id, { decision: "approve", reviewer_id: "system:auto_explanation_green" }, 400],
      [asset.asset_id, { decision: "maybe", reviewer_id: "ana" }, 400],
      [asset.asset_id, { decision: "approve" }, 400],
      [asset.asset_id, { decision: "approve", reviewer_id: "ana", extra: 1 }, 400],
      ["adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0", { decision: "approve", reviewer_id: "ana" }, 404],
      ["adv_nope", { decision: "approve", reviewer_id: "ana" }, 400],
    ];
    for (const [id, review, status] of cases) {
      const res = await t.request(`advisories/${id}/review`, jsonBody(review));
      assert.equal(res.status, status, `${JSON.stringify(review)} → ${res.status}`);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
    }
    const now = (await (await t.request(`advisories/${asset.asset_id}`)).json()) as Doc;
    assert.equal(now.review.state, "PENDING");
  });
});
