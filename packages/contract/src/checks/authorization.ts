/**
 * SPEC "Authentication and roles", as far as a client can see it. Without a
 * credential, or with one that is not valid, a server with authentication on answers
 * 401 problem+json with `WWW-Authenticate: Bearer` — for a read and for a write, which
 * then writes nothing. With the contract's credential (writer for the full run):
 * everything it writes records one principal as `created_by` (never `anonymous`), a
 * review naming another reviewer than the principal is 403, and — four eyes — the
 * principal may not review the asset it created (403). A server with authentication
 * off (a loopback quick start) answers the anonymous request; then `created_by` is
 * `anonymous`, which the check notes.
 */
import assert from "node:assert/strict";
import type { Check, CheckContext } from "../check.js";
import { API, createRun, expectProblem } from "../http_steps.js";

/** A credential that is well formed and names no token. */
const FORGED = `rmos_tok_01JN0000000000000000000000_${"A".repeat(43)}`;

function anonymous(ctx: CheckContext, path: string, init: RequestInit = {}): Promise<Response> {
  return (ctx.target.fetchAnonymous ?? ctx.target.fetch)(path, init);
}

async function expectUnauthenticated(ctx: CheckContext, res: Response, what: string): Promise<void> {
  const challenge = res.headers.get("www-authenticate") ?? "";
  const problem = await expectProblem(ctx, res, 401, what);
  assert.match(challenge, /^Bearer\b/, `${what}: WWW-Authenticate: Bearer, got "${challenge}"`);
  assert.equal(JSON.stringify(problem).includes(FORGED), false, `${what}: the credential is echoed`);
}

async function postJson(ctx: CheckContext, path: string, body: unknown): Promise<Response> {
  return ctx.target.fetch(`${API}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The authorization check. */
export const authorization: Check = {
  id: "authorization",
  title: "Authentication and roles",
  statement:
    "with authentication on: no or a bad credential → 401 + WWW-Authenticate: Bearer, nothing written; created_by is the principal; a reviewer_id other than the principal → 403; no principal reviews what it created (403)",
  writes: "when-allowed",
  async run(ctx) {
    const probe = await anonymous(ctx, `${API}/runs?limit=1`);
    if (probe.status !== 401) {
      await probe.body?.cancel();
      assert.equal(probe.status, 200, `GET ${API}/runs without a credential: ${probe.status}, expected 401 or 200`);
      ctx.note(`GET ${API}/runs without a credential → 200: authentication is off on this installation`);
      if (ctx.readOnly) return;
      const { artifact } = await createRun(ctx);
      assert.equal(artifact.created_by, "anonymous", "with authentication off, created_by is anonymous");
      return;
    }
    await expectUnauthenticated(ctx, probe, `GET ${API}/runs without a credential`);
    const forged = await anonymous(ctx, `${API}/runs?limit=1`, { headers: { authorization: `Bearer ${FORGED}` } });
    await expectUnauthenticated(ctx, forged, `GET ${API}/runs with a forged token`);
    const before = await ctx.target.fetch(`${API}/runs?limit=1`);
    assert.equal(before.status, 200, `GET ${API}/runs with the contract's credential: ${before.status}`);
    const newest = ((await before.json()) as { items: Array<{ run_id: string }> }).items[0]?.run_id;
    const write = await anonymous(ctx, `${API}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await expectUnauthenticated(ctx, write, `POST ${API}/runs without a credential`);
    const after = (await (await ctx.target.fetch(`${API}/runs?limit=1`)).json()) as {
      items: Array<{ run_id: string }>;
    };
    assert.equal(after.items[0]?.run_id, newest, "a refused write wrote nothing");
    if (ctx.readOnly) {
      ctx.note("read-only: created_by and the review rules need writes; not checked");
      return;
    }

    const { artifact } = await createRun(ctx);
    const principal = artifact.created_by as string;
    assert.ok(typeof principal === "string" && principal.length > 0, "the run has a created_by");
    assert.notEqual(principal, "anonymous", "with authentication on, created_by is the credential's principal");
    const assetRes = await postJson(ctx, "/advisories", {
      asset_type: "EXPLANATION",
      source: "rmos-contract",
      provider: "rmos-contract",
      suggestion_data: { text: `contract ${artifact.run_id}` },
    });
    assert.equal(assetRes.status, 201, `POST ${API}/advisories: ${assetRes.status}`);
    const asset = (await assetRes.json()) as { asset_id: string; created_by: string };
    assert.equal(asset.created_by, principal, "one credential, one principal: the asset's created_by is the run's");
    const linkRes = await postJson(ctx, `/runs/${artifact.run_id}/attach-advisory`, {
      advisory_id: asset.asset_id,
      kind: "explanation",
    });
    assert.equal(linkRes.status, 201, `attach the asset: ${linkRes.status}`);
    assert.equal(((await linkRes.json()) as { created_by: string }).created_by, principal, "the link's created_by");
    ctx.note(`created_by of the run, asset and link: ${principal}`);

    const mismatch = await postJson(ctx, `/advisories/${asset.asset_id}/review`, {
      decision: "approve",
      reviewer_id: `${principal}-someone-else`,
    });
    const problem = await expectProblem(ctx, mismatch, 403, "a review naming another reviewer");
    if (problem.type === "urn:rmos:problem:forbidden") {
      ctx.note("the credential lacks the reviewer role: the review rules are not checked");
      return;
    }
    assert.equal(problem.type, "urn:rmos:problem:reviewer-mismatch", "403 reviewer-mismatch");
    const own = await postJson(ctx, `/advisories/${asset.asset_id}/review`, { decision: "approve" });
    const fourEyes = await expectProblem(ctx, own, 403, "a review of an asset the principal created");
    assert.equal(fourEyes.type, "urn:rmos:problem:four-eyes", "403 four-eyes");
    const state = (await (await ctx.target.fetch(`${API}/advisories/${asset.asset_id}`)).json()) as {
      review: { state: string };
    };
    assert.equal(state.review.state, "PENDING", "the refused reviews recorded nothing");
  },
};
