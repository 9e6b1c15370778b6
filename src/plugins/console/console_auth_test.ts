/**
 * The console with authentication on, against a small Hono app that plays the API's
 * authentication (401 for a missing or unknown token, 403 for a role it lacks, the
 * four-eyes refusal) — used here only for the session, cookie and CSRF rules. Checked:
 * pages redirect to sign-in without a session; a refused token is not kept; a signed-in
 * person's every API call carries their token; sign-in rotates the CSRF token; a writer
 * sees no approve button and is refused when posting anyway; the API's four-eyes
 * answer is shown; tampered, expired and foreign-key cookies count as no session; sign
 * out drops the credential; a revoked token ends every session at once; `next` never
 * leaves the console.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { createConsoleApp } from "./console_app.js";

const ASSET = "adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0";
const OWN_ASSET = "adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X1";
const RUN = "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0";
const TOKENS: Record<string, { principal: string; roles: string[] }> = {
  rmos_tok_01JD0Q3ZK9N8M6T5R4P3Q2W1X0_auditorsecret: { principal: "token:audit", roles: ["auditor"] },
  rmos_tok_01JD0Q3ZK9N8M6T5R4P3Q2W1X1_writersecret: { principal: "token:ci", roles: ["writer"] },
  rmos_tok_01JD0Q3ZK9N8M6T5R4P3Q2W1X2_reviewersecret: { principal: "token:rita", roles: ["reviewer"] },
};
const [AUDITOR, WRITER, REVIEWER] = Object.keys(TOKENS) as [string, string, string];

/** The fake API: what it saw, and which tokens it has revoked. */
function fakeApi() {
  const seen: { method: string; path: string; authorization: string | null }[] = [];
  const revoked = new Set<string>();
  const api = new Hono();
  const problem = (status: number, title: string, detail: string, type = "about:blank") =>
    new Response(JSON.stringify({ type, title, status, detail }), {
      status,
      headers: { "content-type": "application/problem+json" },
    });
  api.use("*", async (c, next) => {
    const authorization = c.req.header("authorization") ?? null;
    seen.push({ method: c.req.method, path: c.req.path, authorization });
    const token = authorization?.replace(/^Bearer /, "") ?? "";
    const who = TOKENS[token];
    if (!who || revoked.has(token))
      return problem(401, "Unauthorized", "a valid credential is needed", "urn:rmos:problem:unauthenticated");
    c.set("who" as never, who as never);
    return next();
  });
  const asset = (id: string, createdBy: string) => ({
    asset_id: id,
    asset_type: "EXPLANATION",
    source: "ai",
    provider: "p",
    content_hash: "ab".repeat(32),
    suggestion_data: { text: "why" },
    approved_for_workflow: false,
    created_at_utc: "2026-12-01T00:00:00.000Z",
    created_by: createdBy,
    review: { state: "PENDING", reviewer_id: null, note: null, decided_at_utc: null, events: [] },
  });
  api.get("/api/rmos/runs", (c) =>
    c.json({
      items: [
        {
          run_id: RUN,
          created_at_utc: "2026-12-01T00:00:00.000Z",
          schema_version: "2.0.0",
          mode: "m",
          tool_id: "t",
          status: "OK",
          risk_level: "RED",
          feasibility_sha256: "ab".repeat(32),
        },
      ],
      next_cursor: null,
    }),
  );
  api.get(`/api/rmos/runs/${RUN}/advisories`, (c) =>
    c.json({
      run_id: RUN,
      items: [ASSET, OWN_ASSET].map((id) => ({
        link: { advisory_id: id, kind: "explanation" },
        review: { state: "PENDING" },
      })),
    }),
  );
  api.get(`/api/rmos/advisories/${ASSET}`, (c) => c.json(asset(ASSET, "token:ci")));
  api.get(`/api/rmos/advisories/${OWN_ASSET}`, (c) => c.json(asset(OWN_ASSET, "token:rita")));
  api.post("/api/rmos/advisories/:id/review", async (c) => {
    const who = c.get("who" as never) as { principal: string; roles: string[] };
    if (!who.roles.includes("reviewer"))
      return problem(403, "Forbidden", "this needs the reviewer role", "urn:rmos:problem:forbidden");
    const body = (await c.req.json()) as { decision?: string };
    if (!body.decision) return problem(400, "Bad Request", "decision is required");
    if (c.req.param("id") === OWN_ASSET)
      return problem(403, "Forbidden", "four eyes: you created this asset", "urn:rmos:problem:four-eyes");
    return c.json(asset(c.req.param("id"), "token:ci"), 201);
  });
  api.notFound(() => problem(404, "Not Found", "no route"));
  return { api, seen, revoked };
}

function setup(options: { key?: Buffer; now?: () => number } = {}) {
  const fake = fakeApi();
  const key = options.key ?? crypto.randomBytes(32);
  const app = createConsoleApp({ key: () => key, ttlSeconds: 3600, ...(options.now ? { now: options.now } : {}) });
  const env = { api: async (r: Request) => fake.api.fetch(r) };
  let cookie = "";
  const send = async (
    path: string,
    init: { method?: string; form?: Record<string, string>; cookie?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await app.request(
      path,
      {
        method: init.method ?? (init.form ? "POST" : "GET"),
        headers: {
          cookie: init.cookie ?? cookie,
          ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
          ...init.headers,
        },
        ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      },
      env,
    );
    const set = res.headers.get("set-cookie");
    if (set && init.cookie === undefined) cookie = set.split(";")[0] as string;
    return res;
  };
  const csrf = async () => {
    const html = await (await send("/ui/login")).text();
    return /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
  };
  const signIn = async (token: string) => {
    const res = await send("/ui/login", { form: { csrf: await csrf(), token, next: "/ui/reviews" } });
    return res;
  };
  return { fake, app, send, csrf, signIn, cookie: () => cookie, setCookie: (c: string) => (cookie = c) };
}

describe("console with authentication on", () => {
  it("redirects to sign-in without a session, keeping where the person was going", async () => {
    const s = setup();
    const res = await s.send("/ui/runs?mode=x");
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/ui/login?next=${encodeURIComponent("/ui/runs?mode=x")}`);
    assert.equal(s.fake.seen.at(-1)?.authorization, null);
  });

  it("refuses an unknown token and keeps no credential", async () => {
    const s = setup();
    const res = await s.signIn("rmos_tok_01JD0Q3ZK9N8M6T5R4P3Q2W1X9_guess");
    assert.equal(res.status, 401);
    assert.match(await res.text(), /did not accept this token/);
    assert.equal((await s.send("/ui/runs")).status, 303, "still not signed in");
  });

  it("signs in, forwards the token on every call, and rotates the CSRF token", async () => {
    const s = setup();
    const before = await s.csrf();
    const res = await s.signIn(AUDITOR);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/ui/reviews");
    const page = await s.send("/ui/runs");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Signed in: token tok_01JD0Q3ZK9N8M6T5R4P3Q2W1X0/);
    assert.ok(!html.includes("auditorsecret"), "the secret is never shown");
    const calls = s.fake.seen.filter((c) => c.path === "/api/rmos/runs");
    assert.equal(calls.at(-1)?.authorization, `Bearer ${AUDITOR}`);
    const after = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(after && after !== before, "a new CSRF token after sign-in");
    const stale = await s.send("/ui/logout", { form: { csrf: before } });
    assert.equal(stale.status, 403, "the pre-sign-in token no longer works");
  });

  it("a writer sees no approve button and is refused by the API when posting anyway", async () => {
    const s = setup();
    await s.signIn(WRITER);
    const html = await (await s.send("/ui/reviews")).text();
    assert.ok(!html.includes(">Approve<"), "no approve button");
    assert.match(html, /does not hold the reviewer role/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const res = await s.send(`/ui/advisories/${ASSET}/review`, {
      form: { csrf, decision: "approve", return_to: "/ui/reviews" },
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /You may not review this asset/);
    const posted = s.fake.seen.filter((c) => c.method === "POST" && c.path === `/api/rmos/advisories/${ASSET}/review`);
    assert.equal(posted.at(-1)?.authorization, `Bearer ${WRITER}`);
  });

  it("a reviewer approves; the API's four-eyes refusal is shown", async () => {
    const s = setup();
    await s.signIn(REVIEWER);
    const html = await (await s.send("/ui/reviews")).text();
    assert.match(html, />Approve</);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const ok = await s.send(`/ui/advisories/${ASSET}/review`, {
      form: { csrf, decision: "approve", note: "fine", return_to: "/ui/reviews" },
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), `/ui/reviews?reviewed=${ASSET}&decision=approve`);
    const own = await s.send(`/ui/advisories/${OWN_ASSET}/review`, {
      form: { csrf, decision: "approve", return_to: "/ui/reviews" },
    });
    assert.equal(own.status, 403);
    assert.match(await own.text(), /four eyes: you created this asset/);
  });

  it("a tampered, foreign-key or expired cookie is no session", async () => {
    let clock = 1_900_000_000;
    const key = crypto.randomBytes(32);
    const s = setup({ key, now: () => clock });
    await s.signIn(AUDITOR);
    assert.equal((await s.send("/ui/runs")).status, 200);
    const good = s.cookie();
    const value = good.slice("rmos_console=".length);
    const flipped = `rmos_console=${value.slice(0, 20)}${value[20] === "A" ? "B" : "A"}${value.slice(21)}`;
    assert.equal((await s.send("/ui/runs", { cookie: flipped })).status, 303, "tampered");
    const other = setup({ now: () => clock });
    assert.equal((await other.send("/ui/runs", { cookie: good })).status, 303, "sealed under another key");
    const same = setup({ key, now: () => clock });
    assert.equal(
      (await same.send("/ui/runs", { cookie: good })).status,
      200,
      "another instance with the same key accepts it",
    );
    clock += 3600;
    assert.equal((await s.send("/ui/runs", { cookie: good })).status, 303, "expired");
  });

  it("sign-out drops the credential; revoking the token ends every copy of the session", async () => {
    const s = setup();
    await s.signIn(AUDITOR);
    const copied = s.cookie();
    const html = await (await s.send("/ui/runs")).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const out = await s.send("/ui/logout", { form: { csrf } });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get("location"), "/ui/login?signed_out=1");
    assert.equal((await s.send("/ui/runs")).status, 303, "the browser's new cookie holds no credential");
    s.fake.revoked.add(AUDITOR);
    assert.equal(
      (await s.send("/ui/runs", { cookie: copied })).status,
      303,
      "a copy of the old cookie stops working once the token is revoked",
    );
  });

  it("never sends a person off the console after sign-in", async () => {
    const s = setup();
    const res = await s.send("/ui/login", {
      form: { csrf: await s.csrf(), token: AUDITOR, next: "//evil.example/ui/" },
    });
    assert.equal(res.headers.get("location"), "/ui/runs");
  });
});
