/**
 * @rmos/client against the real server on 127.0.0.1 with RMOS_AUTH=on and real API
 * tokens: the client's `token` is sent as `Authorization: Bearer` on every request; a
 * client without one gets a typed 401 problem (not retried), a token without the role a
 * typed 403; what a writer creates records its principal; a reviewer's review records
 * the reviewer's principal, and naming someone else is a typed 403.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type CreateRunRequest, createRmosClient, RmosProblem } from "../../packages/client/src/index.js";
import { startAuthServer } from "../../src/testing/auth_kernel.js";

const body: CreateRunRequest = {
  mode: "inlay",
  tool_id: "tool_endmill_3mm",
  status: "OK",
  request_summary: { design_id: "design_0042" },
  feasibility: { material: "ebony", depth_mm: 1.2, checks: [{ name: "chipload", ok: true }] },
  decision: { risk_level: "YELLOW", warnings: ["tear-out risk"], details: {} },
};

/** A fetch that records what it sent. */
function recording() {
  const seen: Array<{ method: string; url: string; authorization: string | null; status: number }> = [];
  const fetchFn = async (input: string, init?: RequestInit) => {
    const res = await fetch(input, init);
    const authorization = new Headers(init?.headers).get("authorization");
    seen.push({ method: init?.method ?? "GET", url: input, authorization, status: res.status });
    return res;
  };
  return { seen, fetchFn };
}

async function problemOf(promise: Promise<unknown>): Promise<RmosProblem> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RmosProblem) return error;
    throw error;
  }
  assert.fail("expected an RmosProblem");
}

describe("@rmos/client with RMOS_AUTH=on", () => {
  let origin: string;
  let tokens: Readonly<Record<string, string>>;
  let close: () => Promise<void>;
  before(async () => {
    const k = await startAuthServer({ ci: ["writer"], ana: ["reviewer"], audit: ["auditor"] });
    origin = k.t.server.url;
    tokens = k.tokens;
    close = () => k.close();
  });
  after(() => close());

  const clientFor = (name: string | undefined, fetchFn?: ReturnType<typeof recording>["fetchFn"]) =>
    createRmosClient({
      baseUrl: origin,
      ...(name ? { token: tokens[name] as string } : {}),
      ...(fetchFn ? { fetch: fetchFn } : {}),
      retryDelayMs: 1,
    });

  test("without a token: a typed 401 with the Bearer challenge's problem type, sent once", async () => {
    const rec = recording();
    const p = await problemOf(clientFor(undefined, rec.fetchFn).runs.get("run_01JN0000000000000000000000"));
    assert.equal(p.status, 401);
    assert.equal(p.type, "urn:rmos:problem:unauthenticated");
    assert.equal(rec.seen.length, 1, "a 401 is not retried");
    assert.equal(rec.seen[0]?.authorization, null);
    assert.equal((await clientFor(undefined).health()).ok, true, "the probes stay public");
  });

  test("the writer's token goes out as Authorization: Bearer and the run records its principal", async () => {
    const rec = recording();
    const writer = clientFor("ci", rec.fetchFn);
    const run = await writer.runs.create(body);
    assert.equal(run.created_by, "token:ci");
    assert.equal((await writer.runs.get(run.run_id)).created_by, "token:ci");
    assert.ok(rec.seen.length >= 2);
    for (const s of rec.seen) assert.equal(s.authorization, `Bearer ${tokens.ci}`, `${s.method} ${s.url}`);
  });

  test("a token without the role: a typed 403", async () => {
    const p = await problemOf(clientFor("audit").runs.create(body));
    assert.equal(p.status, 403);
    assert.equal(p.type, "urn:rmos:problem:forbidden");
    const first = await clientFor("audit").runs.list().next();
    assert.equal(first.done, false, "the auditor reads");
  });

  test("reviews: the reviewer is the principal; naming someone else is a typed 403", async () => {
    const writer = clientFor("ci");
    const reviewer = clientFor("ana");
    const asset = await writer.advisories.create({
      asset_type: "EXPLANATION",
      source: "ai",
      provider: "e2e",
      suggestion_data: { text: "why the tear-out warning" },
    });
    assert.equal(asset.created_by, "token:ci");
    const mismatch = await problemOf(
      reviewer.advisories.review(asset.asset_id, { decision: "approve", reviewer_id: "token:someone" }),
    );
    assert.equal(mismatch.status, 403);
    assert.equal(mismatch.type, "urn:rmos:problem:reviewer-mismatch");
    const reviewed = await reviewer.advisories.review(asset.asset_id, { decision: "approve" });
    assert.equal(reviewed.review.reviewer_id, "token:ana");
    assert.equal(reviewed.approved_for_workflow, true);
  });
});
