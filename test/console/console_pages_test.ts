/**
 * The console on a real kernel, through app.request: every page answers HTML with the
 * strict CSP and the other security headers; stored XSS payloads come back escaped; an
 * unknown run is a helpful HTML 404; filters reach the API by their own names and a
 * bad one is an HTML 400; the transparency log shows as not available on a build
 * without it; CSRF is checked on every POST (nothing recorded without it); the review
 * flow records through the API; downloads are attachments with their file name.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jsonBody, sampleRunRequest, startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";
import { CONSOLE_CSP } from "../../src/plugins/console/security_headers.js";
import { type Seeded, seedConsoleData } from "./seed.js";

let t: TestKernel;
let seeded: Seeded;

/** A browser-like client: keeps the console cookie, follows nothing. */
class Browser {
  cookie = "";
  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.#keep(await t.kernel.app.request(path, { headers: { cookie: this.cookie, ...headers } }));
  }
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.#keep(
      await t.kernel.app.request(path, {
        method: "POST",
        headers: { cookie: this.cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }
  #keep(res: Response): Response {
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0] as string;
    return res;
  }
  async csrf(path = "/ui/login"): Promise<string> {
    const html = await (await this.get(path)).text();
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    assert.ok(m, `no csrf field on ${path}`);
    return m[1] as string;
  }
}

async function reviewState(assetId: string): Promise<string> {
  const res = await t.request(`advisories/${assetId}`);
  return ((await res.json()) as { review: { state: string } }).review.state;
}

before(async () => {
  t = await startTestKernel();
  seeded = await seedConsoleData((p, init) => t.request(p, init));
});
after(() => t.close());

describe("console pages", () => {
  it("every page is HTML with the strict CSP, nosniff, a referrer policy and no caching", async () => {
    const pages = [
      "/ui/",
      "/ui/runs",
      `/ui/runs/${seeded.xssRun}`,
      `/ui/runs/${seeded.redRun}`,
      `/ui/diff?a=${seeded.greenRun}&b=${seeded.redRun}`,
      "/ui/reviews",
      `/ui/advisories/${seeded.pendingAsset}`,
      "/ui/sessions",
      `/ui/sessions/${seeded.sessionId}`,
      "/ui/log",
      "/ui/login",
      "/ui/no-such-page",
      "/ui/runs/run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0",
    ];
    for (const p of pages) {
      const res = await t.kernel.app.request(p);
      assert.ok([200, 404].includes(res.status), `${p}: ${res.status}`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, p);
      assert.equal(res.headers.get("content-security-policy"), CONSOLE_CSP, p);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", p);
      assert.equal(res.headers.get("referrer-policy"), "same-origin", p);
      assert.equal(res.headers.get("cache-control"), "no-store", p);
      const html = await res.text();
      assert.ok(html.startsWith("<!DOCTYPE html>"), p);
      // Every real tag, with its (escaped, quoted) attribute values emptied: what is left are the attribute names.
      const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/="[^"]*"/g, '=""'));
      const inline = tags.filter((tag) => /^<script(?![^>]*\ssrc=)|^<style|\sstyle=|\son[a-z]+=/i.test(tag));
      assert.deepEqual(inline, [], `${p}: inline script, style or handler`);
      assert.match(html, /<main id="main"/, p);
    }
    const css = await t.kernel.app.request("/ui/assets/console.css");
    assert.match(css.headers.get("content-type") ?? "", /^text\/css/);
    assert.equal(css.headers.get("content-security-policy"), CONSOLE_CSP);
    const js = await t.kernel.app.request("/ui/assets/console.js");
    assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
  });

  it("stored payloads in every field come back escaped", async () => {
    for (const p of [
      `/ui/runs/${seeded.xssRun}`,
      "/ui/runs",
      "/ui/reviews",
      `/ui/sessions/${seeded.sessionId}`,
      "/ui/sessions",
    ]) {
      const html = await (await t.kernel.app.request(p)).text();
      assert.ok(!html.includes('<img id="xss-'), `${p}: an unescaped payload`);
      assert.ok(!html.includes("<script>alert"), `${p}: an unescaped script`);
      assert.ok(!html.includes("<b id=xss-file>"), `${p}: an unescaped file name`);
    }
    const run = await (await t.kernel.app.request(`/ui/runs/${seeded.xssRun}`)).text();
    for (const field of ["mode", "tool_id", "meta", "feasibility", "gcode", "advisory_text", "warning", "details"]) {
      assert.ok(
        run.includes(`&lt;img id=&quot;xss-${field}&quot;`) || run.includes(`&lt;img id=\\&quot;xss-${field}`),
        `${field} shown as text`,
      );
    }
  });

  it("an unknown run is a helpful HTML 404, a malformed id too; an unknown page as well", async () => {
    const unknown = await t.kernel.app.request("/ui/runs/run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0");
    assert.equal(unknown.status, 404);
    const html = await unknown.text();
    assert.match(html, /No such run/);
    assert.match(html, /run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0/);
    assert.match(html, /href="\/ui\/runs"/);
    const malformed = await t.kernel.app.request("/ui/runs/..%2f..%2fetc");
    assert.equal(malformed.status, 404);
    assert.match(await malformed.text(), /not a run id/);
    const page = await t.kernel.app.request("/ui/nothing/here");
    assert.equal(page.status, 404);
    assert.match(await page.text(), /Page not found/);
  });

  it("filters use the API's names, keep the URL shareable, and paginate with the API's cursor", async () => {
    const one = await (await t.kernel.app.request("/ui/runs?limit=1")).text();
    const next = /href="(\/ui\/runs\?[^"]*cursor=[^"]+)" rel="next"/.exec(one);
    assert.ok(next, "a next-page link");
    assert.match(next[1] as string, /limit=1/);
    const second = await (await t.kernel.app.request((next[1] as string).replaceAll("&amp;", "&"))).text();
    const firstRun = /href="\/ui\/runs\/(run_[0-9A-Z]+)"/.exec(one)?.[1];
    const secondRun = /href="\/ui\/runs\/(run_[0-9A-Z]+)"/.exec(second)?.[1];
    assert.ok(firstRun && secondRun && firstRun !== secondRun);
    const red = await (await t.kernel.app.request("/ui/runs?risk_level=RED")).text();
    assert.ok(red.includes(seeded.redRun) && !red.includes(seeded.greenRun));
    assert.match(red, /<option value="RED" selected/);
    const none = await (await t.kernel.app.request("/ui/runs?tool_id=nothing-like-this")).text();
    assert.match(none, /No run matches these filters/);
    const bad = await t.kernel.app.request("/ui/runs?created_from=2026-01-01T00:00:00");
    assert.equal(bad.status, 400);
    const badHtml = await bad.text();
    assert.match(badHtml, /did not accept these filters/);
    assert.match(badHtml, /created_from/);
  });

  it("the run page: decision, verification, attachments with size, advisories, G-code numbered and collapsed when long", async () => {
    const red = await (await t.kernel.app.request(`/ui/runs/${seeded.redRun}`)).text();
    assert.match(red, /class="badge risk-RED"[^>]*>RED</);
    assert.match(red, /class="badge status-BLOCKED"[^>]*>BLOCKED</);
    assert.match(red, /depth exceeds the tool&#39;s flute length|depth exceeds the tool's flute length/);
    assert.match(red, /class="badge ok-true">verified</);
    assert.match(red, /<details><summary>Show all 120 lines of G-code<\/summary><ol class="gcode"/);
    assert.match(red, /class="badge state-PENDING"/);
    assert.match(red, /Approve/);
    const xssPage = await (await t.kernel.app.request(`/ui/runs/${seeded.xssRun}`)).text();
    assert.match(xssPage, new RegExp(`/ui/runs/${seeded.xssRun}/attachments/${seeded.attachmentSha}`));
    assert.match(xssPage, new RegExp(`${seeded.attachmentBytes.length} bytes`));
    assert.ok(!xssPage.includes("<details><summary>Show all"), "a short program is shown open");
  });

  it("the receipt and the log are 'not available on this installation' when the API has no log", async () => {
    const noLog = await startTestKernel({
      env: { RMOS_PLUGINS: "runs,attachments,advisory,diff,workflow-sessions,console" },
    });
    try {
      const created = await noLog.request("runs", jsonBody(sampleRunRequest()));
      assert.equal(created.status, 201);
      const { run_id } = (await created.json()) as { run_id: string };
      const run = await (await noLog.kernel.app.request(`/ui/runs/${run_id}`)).text();
      assert.match(run, /Not available on this installation/);
      const log = await noLog.kernel.app.request("/ui/log");
      assert.equal(log.status, 200);
      assert.match(await log.text(), /Not available on this installation/);
    } finally {
      await noLog.close();
    }
  });

  it("downloads an attachment as a file, sandboxed, with its name", async () => {
    const res = await t.kernel.app.request(`/ui/runs/${seeded.xssRun}/attachments/${seeded.attachmentSha}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), seeded.attachmentBytes);
    assert.match(
      res.headers.get("content-disposition") ?? "",
      /^attachment; filename="program__b_id_xss-file_.nc"; filename\*=UTF-8''program%20%3Cb%20id%3Dxss-file%3E.nc$/,
    );
    assert.equal(res.headers.get("content-security-policy"), "default-src 'none'; sandbox");
    const other = await t.kernel.app.request(`/ui/runs/${seeded.greenRun}/attachments/${seeded.attachmentSha}`);
    assert.equal(other.status, 404, "a blob the run does not reference is not served");
    assert.match(await other.text(), /<!DOCTYPE html>/);
  });

  it("refuses a POST without this session's CSRF token, and records nothing", async () => {
    const b = new Browser();
    const csrf = await b.csrf();
    const path = `/ui/advisories/${seeded.pendingAsset}/review`;
    const form = { decision: "approve", reviewer_id: "mallory", return_to: "/ui/reviews" };
    const missing = await b.post(path, form);
    assert.equal(missing.status, 403);
    assert.match(await missing.text(), /This form cannot be accepted/);
    const wrong = await b.post(path, { ...form, csrf: `${csrf.slice(0, -2)}AA` });
    assert.equal(wrong.status, 403);
    const other = new Browser();
    const otherCsrf = await other.csrf();
    assert.equal((await b.post(path, { ...form, csrf: otherCsrf })).status, 403, "another session's token");
    assert.equal((await new Browser().post(path, { ...form, csrf })).status, 403, "no cookie at all");
    assert.equal(
      (await b.post(path, { ...form, csrf }, { origin: "https://evil.example" })).status,
      403,
      "a foreign origin",
    );
    assert.equal((await b.post("/ui/logout", {})).status, 403, "sign-out needs the token too");
    assert.equal(await reviewState(seeded.pendingAsset), "PENDING");
  });

  it("the review flow records through the API and shows the result", async () => {
    const b = new Browser();
    const csrf = await b.csrf(`/ui/advisories/${seeded.explanationAsset}`);
    const refused = await b.post(`/ui/advisories/${seeded.explanationAsset}/review`, {
      csrf,
      decision: "approve",
      return_to: "/ui/reviews",
    });
    assert.equal(refused.status, 400, "the API requires a reviewer id while authentication is off");
    assert.match(await refused.text(), /reviewer_id/);
    const ok = await b.post(`/ui/advisories/${seeded.explanationAsset}/review`, {
      csrf,
      decision: "reject",
      reviewer_id: "quality-lead",
      note: "depth is wrong <b>really</b>",
      return_to: `/ui/runs/${seeded.redRun}`,
    });
    assert.equal(ok.status, 303);
    const location = ok.headers.get("location") ?? "";
    assert.equal(location, `/ui/runs/${seeded.redRun}?reviewed=${seeded.explanationAsset}&decision=reject`);
    const page = await (await b.get(location)).text();
    assert.match(page, /Recorded: you rejected/);
    assert.match(page, /class="badge state-REJECTED"/);
    assert.match(page, /depth is wrong &lt;b&gt;really&lt;\/b&gt;/);
    assert.equal(await reviewState(seeded.explanationAsset), "REJECTED");
    const again = await b.post(`/ui/advisories/${seeded.explanationAsset}/review`, {
      csrf,
      decision: "approve",
      reviewer_id: "x",
      return_to: "/ui/reviews",
    });
    assert.equal(again.status, 409);
    assert.match(await again.text(), /already decided/);
    const offsite = await b.post(`/ui/advisories/${seeded.pendingAsset}/review`, {
      csrf,
      decision: "approve",
      reviewer_id: "qa",
      return_to: "https://evil.example/",
    });
    assert.equal(offsite.headers.get("location"), `/ui/runs?reviewed=${seeded.pendingAsset}&decision=approve`);
  });

  it("with authentication off the login page says so; the cookie is HttpOnly, SameSite=Strict, and Secure behind TLS", async () => {
    const res = await t.kernel.app.request("/ui/login");
    assert.match(await res.text(), /Authentication is off on this installation/);
    const cookie = res.headers.get("set-cookie") ?? "";
    assert.match(cookie, /^rmos_console=[A-Za-z0-9_-]+; Max-Age=\d+; Path=\/ui; HttpOnly; SameSite=Strict$/);
    const tls = await t.kernel.app.request("/ui/login", { headers: { "x-forwarded-proto": "https" } });
    assert.match(tls.headers.get("set-cookie") ?? "", /; Secure/);
  });

  it("the diff page shows both runs and the changes by severity; a bad id is an HTML error", async () => {
    const html = await (await t.kernel.app.request(`/ui/diff?a=${seeded.greenRun}&b=${seeded.redRun}`)).text();
    assert.match(html, /Overall: <span class="badge sev-CRITICAL"/);
    assert.match(html, /<tr class="sev-row-CRITICAL"><td><code class="hash">\/status<\/code>/);
    const bad = await t.kernel.app.request("/ui/diff?a=nope&b=nada");
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /cannot be compared/);
  });
});

describe("console over real HTTP", () => {
  it("sets its cookie and serves a download whole once @hono/node-server serves it (its own Response class)", async () => {
    const { startTestServer } = await import("../../src/testing/test_kernel.js");
    const s = await startTestServer();
    try {
      const seededHere = await seedConsoleData((p, init) => fetch(`${s.baseUrl}/${p}`, init));
      const origin = new URL(s.baseUrl).origin;
      const page = await fetch(`${origin}/ui/login`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("set-cookie") ?? "", /^rmos_console=.+; HttpOnly; SameSite=Strict$/);
      const file = await fetch(`${origin}/ui/runs/${seededHere.xssRun}/attachments/${seededHere.attachmentSha}`);
      assert.equal(file.status, 200);
      assert.equal(await file.text(), seededHere.attachmentBytes);
      assert.match(file.headers.get("content-disposition") ?? "", /^attachment;/);
      assert.equal(file.headers.get("x-content-type-options"), "nosniff");
    } finally {
      await s.close();
    }
  });
});
