/**
 * The console over a real kernel with RMOS_AUTH=on and real API tokens (issued into
 * the kernel's token store as `rmos tokens create` does): the console's pages pass the
 * kernel's authentication (the console signs people in itself) while the API still
 * refuses a request without a credential — including one that reaches for the API
 * through the console's prefix over a raw socket; a person signs in by pasting a token;
 * a reviewer approves and is recorded as the reviewer (the principal, not a typed id);
 * a writer sees no approve button and is refused when posting anyway; the four-eyes
 * rule holds for a reviewer who wrote the run; an unknown token is refused at sign-in.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { type AuthKernel, startAuthServer } from "../../src/testing/auth_kernel.js";
import type { startTestServer } from "../../src/testing/test_kernel.js";
import { jsonBody, sampleRunRequest } from "../../src/testing/test_kernel.js";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let k: AuthKernel<Server>;

/** A browser-like client of the in-process app: keeps the console cookie, follows nothing. */
class Browser {
  cookie = "";
  async get(path: string): Promise<Response> {
    return this.#keep(await k.t.kernel.app.request(path, { headers: { cookie: this.cookie } }));
  }
  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.#keep(
      await k.t.kernel.app.request(path, {
        method: "POST",
        headers: { cookie: this.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }
  #keep(res: Response): Response {
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0] as string;
    return res;
  }
  async csrf(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    assert.ok(m, `no csrf field on ${path}`);
    return m[1] as string;
  }
  /** Signs in with the token named `name`; answers the sign-in response. */
  async signIn(token: string, next = "/ui/reviews"): Promise<Response> {
    const csrf = await this.csrf("/ui/login");
    return this.post("/ui/login", { csrf, token, next });
  }
}

async function api<T>(who: string, path: string, body?: unknown): Promise<T> {
  const init = body === undefined ? {} : jsonBody(body);
  const res = await k.t.request(path, k.as(who, init));
  assert.ok(res.status === 200 || res.status === 201, `${who} ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

async function review(assetId: string): Promise<{ state: string; reviewer_id: string | null }> {
  return (await api<{ review: { state: string; reviewer_id: string | null } }>("auditor", `advisories/${assetId}`))
    .review;
}

/** One HTTP/1.1 request over a raw socket, the path sent exactly as given; answers the status. */
function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.setTimeout(5000, () => socket.destroy(new Error("raw request timed out")));
    socket.on("data", (chunk) => {
      data += String(chunk);
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`no status line in ${JSON.stringify(data.slice(0, 80))}`));
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

/** An explanation asset created and linked to a new run by `who`. */
async function pendingAssetBy(who: string): Promise<{ runId: string; assetId: string }> {
  const { run_id: runId } = await api<{ run_id: string }>(who, "runs", sampleRunRequest());
  const { asset_id: assetId } = await api<{ asset_id: string }>(who, "advisories", {
    asset_type: "EXPLANATION",
    source: "console-auth-test",
    provider: "test-provider",
    suggestion_data: { summary: "why", text: `written by ${who}` },
  });
  await api(who, `runs/${runId}/attach-advisory`, { advisory_id: assetId, kind: "explanation" });
  return { runId, assetId };
}

let byWriter: { runId: string; assetId: string };
let byAuthor: { runId: string; assetId: string };

before(async () => {
  k = await startAuthServer({
    auditor: ["auditor"],
    writer: ["writer"],
    reviewer: ["reviewer"],
    author: ["writer", "reviewer"],
  });
  byWriter = await pendingAssetBy("writer");
  byAuthor = await pendingAssetBy("author");
});
after(() => k.close());

describe("console with RMOS_AUTH=on on a real kernel", () => {
  it("the console's pages pass authentication; the API behind it still needs a credential", async () => {
    const login = await k.t.kernel.app.request("/ui/login");
    assert.equal(login.status, 200);
    assert.match(await login.text(), /<input id="token" name="token" type="password"/);
    const runs = await k.t.kernel.app.request("/ui/runs");
    assert.equal(runs.status, 303, "no session: to the sign-in page");
    assert.match(runs.headers.get("location") ?? "", /^\/ui\/login\?next=%2Fui%2Fruns/);
    assert.equal((await k.t.kernel.app.request("/api/rmos/runs")).status, 401);
    const port = Number(new URL(k.t.baseUrl).port);
    // Dot segments are resolved before routing, so these reach the API — and its authentication.
    assert.equal(await rawStatus(port, "/ui/../api/rmos/runs"), 401);
    assert.equal(await rawStatus(port, "/ui/%2e%2e/api/rmos/runs"), 401);
    // An encoded slash is not a separator: this stays a (missing) console page.
    assert.equal(await rawStatus(port, "/ui/..%2fapi/rmos/runs"), 404);
    assert.equal(await rawStatus(port, "/api/rmos/runs"), 401);
    assert.equal(await rawStatus(port, "/uix/runs"), 401, "only the console's own prefix is let through");
  });

  it("an unknown token is refused at sign-in and nothing is kept", async () => {
    const b = new Browser();
    const res = await b.signIn("rmos_tok_01JD0Q3ZK9N8M6T5R4P3Q2W1X0_notissued");
    assert.equal(res.status, 401);
    assert.match(await res.text(), /did not accept this token/);
    assert.equal((await b.get("/ui/runs")).status, 303);
  });

  it("a writer sees no approve button and is refused when posting anyway", async () => {
    const b = new Browser();
    const signed = await b.signIn(k.tokens.writer as string);
    assert.equal(signed.status, 303);
    const queue = await (await b.get("/ui/reviews")).text();
    assert.ok(queue.includes(byWriter.assetId), "the writer sees the queue");
    assert.match(queue, /does not hold the reviewer role/);
    assert.doesNotMatch(queue, /value="approve"/);
    const csrf = await b.csrf("/ui/reviews");
    const posted = await b.post(`/ui/advisories/${byWriter.assetId}/review`, {
      csrf,
      decision: "approve",
      return_to: "/ui/reviews",
    });
    assert.equal(posted.status, 403);
    assert.equal((await review(byWriter.assetId)).state, "PENDING");
  });

  it("a reviewer approves, and the principal is recorded as the reviewer", async () => {
    const b = new Browser();
    assert.equal((await b.signIn(k.tokens.reviewer as string)).status, 303);
    const page = await (await b.get(`/ui/runs/${byWriter.runId}`)).text();
    assert.match(page, /value="approve"/, "the reviewer is offered the decision");
    const csrf = await b.csrf("/ui/reviews");
    const mismatch = await b.post(`/ui/advisories/${byWriter.assetId}/review`, {
      csrf,
      decision: "approve",
      reviewer_id: "someone-else",
      return_to: "/ui/reviews",
    });
    assert.equal(mismatch.status, 403, "a typed reviewer id other than the principal is refused");
    assert.equal((await review(byWriter.assetId)).state, "PENDING");
    const ok = await b.post(`/ui/advisories/${byWriter.assetId}/review`, {
      csrf,
      decision: "approve",
      note: "checked against the drawing",
      return_to: "/ui/reviews",
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), `/ui/reviews?reviewed=${byWriter.assetId}&decision=approve`);
    const recorded = await review(byWriter.assetId);
    assert.equal(recorded.state, "APPROVED");
    assert.equal(recorded.reviewer_id, "token:reviewer");
  });

  it("four eyes: a reviewer who wrote the run and the asset is refused, another reviewer is not", async () => {
    const author = new Browser();
    assert.equal((await author.signIn(k.tokens.author as string)).status, 303);
    const csrf = await author.csrf("/ui/reviews");
    const own = await author.post(`/ui/advisories/${byAuthor.assetId}/review`, {
      csrf,
      decision: "approve",
      return_to: "/ui/reviews",
    });
    assert.equal(own.status, 403);
    assert.match(await own.text(), /four eyes/);
    assert.equal((await review(byAuthor.assetId)).state, "PENDING");
    const other = new Browser();
    assert.equal((await other.signIn(k.tokens.reviewer as string)).status, 303);
    const rejected = await other.post(`/ui/advisories/${byAuthor.assetId}/review`, {
      csrf: await other.csrf("/ui/reviews"),
      decision: "reject",
      note: "not the author",
      return_to: "/ui/reviews",
    });
    assert.equal(rejected.status, 303);
    const after = await review(byAuthor.assetId);
    assert.equal(after.state, "REJECTED");
    assert.equal(after.reviewer_id, "token:reviewer");
  });
});
