/**
 * The console in a real browser (headless Chromium, as browser_test.ts) against a real
 * server with RMOS_AUTH=on, real API tokens and the real transparency log: a page
 * without a session leads to the sign-in form; a reviewer signs in by pasting a token,
 * sees the run's receipt verified, and approves from the review queue (the principal
 * is recorded as the reviewer); a writer, signed in in another browser context, sees
 * the queue without approve buttons. Screenshots go to test-artifacts/console/.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { type AuthKernel, startAuthServer } from "../../src/testing/auth_kernel.js";
import { jsonBody, sampleRunRequest, type startTestServer } from "../../src/testing/test_kernel.js";

const executablePath = [
  process.env.RMOS_CHROMIUM,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].find((p): p is string => typeof p === "string" && p !== "" && fs.existsSync(p));
const ARTIFACTS = path.resolve("test-artifacts", "console");

if (!executablePath) {
  console.error(
    "\n!! CONSOLE BROWSER TESTS (auth on) SKIPPED: no Chromium found; set RMOS_CHROMIUM or `apt-get install -y chromium`.\n",
  );
}

describe("console in a browser with RMOS_AUTH=on", {
  skip: executablePath ? false : "no Chromium on this machine",
}, () => {
  let k: AuthKernel<Awaited<ReturnType<typeof startTestServer>>>;
  let origin: string;
  let browser: Browser;
  let runId: string;
  let assetId: string;

  async function api<T>(who: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${k.t.baseUrl}/${p}`, k.as(who, body === undefined ? {} : jsonBody(body)));
    assert.ok(res.status === 200 || res.status === 201, `${who} ${p}: ${res.status}`);
    return (await res.json()) as T;
  }

  before(async () => {
    k = await startAuthServer(
      { writer: ["writer"], reviewer: ["reviewer"], auditor: ["auditor"] },
      { env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "10" } },
    );
    origin = new URL(k.t.baseUrl).origin;
    runId = (await api<{ run_id: string }>("writer", "runs", sampleRunRequest())).run_id;
    assetId = (
      await api<{ asset_id: string }>("writer", "advisories", {
        asset_type: "EXPLANATION",
        source: "browser-auth-test",
        provider: "test-provider",
        suggestion_data: { summary: "why", text: "the feed rate is within the tool's limits" },
      })
    ).asset_id;
    await api("writer", `runs/${runId}/attach-advisory`, { advisory_id: assetId, kind: "explanation" });
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${k.t.baseUrl}/runs/${runId}/receipt`, k.as("auditor"));
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: executablePath as string,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
  });

  after(async () => {
    await browser?.close();
    await k?.close();
  });

  async function signIn(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${origin}/ui/reviews`);
    assert.match(page.url(), /\/ui\/login\?next=%2Fui%2Freviews$/, "no session: the sign-in page");
    await page.getByLabel("Token").fill(k.tokens[name] as string);
    await Promise.all([page.waitForURL(/\/ui\/reviews$/), page.getByRole("button", { name: "Sign in" }).click()]);
    return page;
  }

  it("a reviewer signs in, sees the receipt verified, and approves; the principal is the reviewer", async () => {
    const page = await signIn("reviewer");
    await page.goto(`${origin}/ui/runs/${runId}`);
    await page.screenshot({ path: path.join(ARTIFACTS, "auth-run.png"), fullPage: true });
    assert.ok(await page.getByText("The receipt checks against the log.").isVisible());
    assert.equal(await page.getByText("does NOT check against the log").count(), 0);
    await page.goto(`${origin}/ui/reviews`);
    const form = page.locator(`form[aria-label="Review ${assetId}"]`);
    await form.getByLabel("Note").fill("approved in the browser");
    await Promise.all([page.waitForURL(/reviewed=/), form.getByRole("button", { name: "Approve" }).click()]);
    await page.screenshot({ path: path.join(ARTIFACTS, "auth-reviews-after.png"), fullPage: true });
    assert.ok(await page.getByText(`Recorded: you approved ${assetId}.`).isVisible());
    const asset = await api<{ review: { state: string; reviewer_id: string } }>("auditor", `advisories/${assetId}`);
    assert.deepEqual([asset.review.state, asset.review.reviewer_id], ["APPROVED", "token:reviewer"]);
  });

  it("a writer sees the queue without approve buttons", async () => {
    const second = (
      await api<{ asset_id: string }>("writer", "advisories", {
        asset_type: "EXPLANATION",
        source: "browser-auth-test",
        provider: "test-provider",
        suggestion_data: { summary: "second", text: "pending" },
      })
    ).asset_id;
    await api("writer", `runs/${runId}/attach-advisory`, { advisory_id: second, kind: "explanation" });
    const page = await signIn("writer");
    await page.screenshot({ path: path.join(ARTIFACTS, "auth-reviews-writer.png"), fullPage: true });
    assert.ok(await page.getByText(second).first().isVisible());
    assert.ok(await page.getByText("does not hold the reviewer role", { exact: false }).first().isVisible());
    assert.equal(await page.getByRole("button", { name: "Approve" }).count(), 0);
  });
});
