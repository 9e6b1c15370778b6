/**
 * The console in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against a real server on 127.0.0.1 holding real data written through
 * the API. Each page is opened and a PNG screenshot kept under test-artifacts/console/;
 * stored XSS payloads in every field must stay text (no dialog fires, no injected
 * element exists); every request the browser makes must stay on the service's origin;
 * the review flow is clicked through; the keyboard and the progressive enhancement
 * (copy buttons, shortcuts) are exercised; the run page is also shot at tablet size.
 * Without a browser the tests are skipped with a loud message (set RMOS_CHROMIUM to
 * a Chromium binary to point at one).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startTestServer } from "../../src/testing/test_kernel.js";
import { type Seeded, seedConsoleData } from "./seed.js";

const CANDIDATES = [
  process.env.RMOS_CHROMIUM,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];
const executablePath = CANDIDATES.find((p): p is string => typeof p === "string" && p !== "" && fs.existsSync(p));
const ARTIFACTS = path.resolve("test-artifacts", "console");

if (!executablePath) {
  console.error(
    "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n" +
      "!! CONSOLE BROWSER TESTS SKIPPED: no Chromium found (tried /usr/bin/chromium,\n" +
      "!! /usr/bin/chromium-browser, /usr/bin/google-chrome; set RMOS_CHROMIUM).\n" +
      "!! Install it with `apt-get install -y chromium` (as .ci/run does).\n" +
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
  );
}

describe("console in a browser", { skip: executablePath ? false : "no Chromium on this machine" }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let origin: string;
  let seeded: Seeded;
  let context: BrowserContext;
  let userDataDir: string;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    server = await startTestServer();
    origin = new URL(server.baseUrl).origin;
    seeded = await seedConsoleData((p, init) => fetch(`${server.baseUrl}/${p}`, init));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: executablePath as string,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.on("request", (r) => requests.push(r.url()));
    context.on("page", (p) => watch(p));
    for (const p of context.pages()) watch(p);
  });

  function watch(page: Page): void {
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
  }

  after(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await server?.close();
  });

  async function open(pathname: string, shot: string, status = 200): Promise<Page> {
    const page = context.pages()[0] ?? (await context.newPage());
    const res = await page.goto(`${origin}${pathname}`);
    assert.equal(res?.status(), status, pathname);
    await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
    const injected = await page.evaluate(
      `document.querySelectorAll('[id^="xss-"], script:not([src]), img[src="x"], [onerror], [onload]').length`,
    );
    assert.equal(injected, 0, `${pathname}: an injected element`);
    assert.equal(await page.locator("main").count(), 1);
    assert.equal(await page.locator("header nav").count(), 1);
    return page;
  }

  it("renders every page, payloads as text, nothing leaving the origin", async () => {
    await open("/ui/", "runs");
    await open(`/ui/runs?risk_level=RED`, "runs-filtered");
    const xssPage = await open(`/ui/runs/${seeded.xssRun}`, "run-xss");
    for (const field of ["mode", "tool_id", "meta", "feasibility", "gcode", "advisory_text", "warning"]) {
      const shown = await xssPage.getByText(`xss-${field}`, { exact: false }).count();
      assert.ok(shown > 0, `${field}: the payload is shown as text`);
    }
    const runPage = await open(`/ui/runs/${seeded.redRun}`, "run");
    await runPage.setViewportSize({ width: 1280, height: 1400 });
    await runPage.screenshot({ path: path.join(ARTIFACTS, "run-top.png") }); // the README's picture
    await runPage.setViewportSize({ width: 1280, height: 900 });
    await open(`/ui/diff?a=${seeded.greenRun}&b=${seeded.redRun}`, "diff");
    await open("/ui/diff", "diff-empty");
    await open("/ui/reviews", "reviews");
    await open(`/ui/advisories/${seeded.pendingAsset}`, "advisory");
    await open("/ui/sessions", "sessions");
    const session = await open(`/ui/sessions/${seeded.sessionId}`, "session");
    assert.ok((await session.getByText("xss-event_note", { exact: false }).count()) > 0);
    await open("/ui/log", "log");
    await open("/ui/login", "login");
    await open("/ui/runs/run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0", "run-404", 404);
    await open("/ui/runs?tool_id=none-such", "runs-empty");
    assert.deepEqual(dialogs, [], "no dialog fired");
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`));
    assert.deepEqual(foreign, [], "every request stayed on the service's origin");
    assert.ok(requests.some((u) => u === `${origin}/ui/assets/console.css`));
    const violations = consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m));
    assert.deepEqual(violations, [], "no Content-Security-Policy violation");
  });

  it("the review flow: approve with a note, then see it recorded", async () => {
    const page = await open("/ui/reviews", "reviews-before");
    const form = page.locator(`form[aria-label="Review ${seeded.pendingAsset}"]`);
    await form.getByLabel("Note").fill("checked against the drawing <b>ok</b>");
    await form.getByLabel("Reviewer id").fill("quality-lead");
    await form.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(/reviewed=/, { waitUntil: "domcontentloaded" });
    await page.screenshot({ path: path.join(ARTIFACTS, "reviews-after.png"), fullPage: true });
    assert.ok(await page.getByText(`Recorded: you approved ${seeded.pendingAsset}.`).isVisible());
    const asset = (await (await fetch(`${server.baseUrl}/advisories/${seeded.pendingAsset}`)).json()) as {
      review: { state: string; note: string; reviewer_id: string };
    };
    assert.deepEqual(
      [asset.review.state, asset.review.note, asset.review.reviewer_id],
      ["APPROVED", "checked against the drawing <b>ok</b>", "quality-lead"],
    );
    const advisory = await open(`/ui/advisories/${seeded.pendingAsset}`, "advisory-approved");
    assert.ok(await advisory.getByText("checked against the drawing <b>ok</b>").isVisible());
    assert.equal(await advisory.getByRole("button", { name: "Approve" }).count(), 0, "a decided asset has no form");
  });

  it("keyboard and progressive enhancement: skip link, shortcuts, copy buttons, G-code expands", async () => {
    const page = await open(`/ui/runs/${seeded.redRun}`, "run-keyboard");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement?.textContent"), "Skip to content");
    assert.ok(await page.locator("button.copy").first().isVisible(), "the script reveals copy buttons");
    const details = page.locator("details", { hasText: "lines of G-code" });
    assert.equal(await details.getAttribute("open"), null, "a long program starts collapsed");
    await details.locator("summary").focus();
    await page.keyboard.press("Enter");
    assert.notEqual(await details.getAttribute("open"), null, "Enter opens it");
    assert.ok(await page.locator("ol.gcode li").nth(119).isVisible());
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("g");
    await Promise.all([page.waitForURL(/\/ui\/reviews$/), page.keyboard.press("v")]);
    const runs = await open("/ui/runs", "runs-keyboard");
    await runs.keyboard.press("/");
    assert.equal(await runs.evaluate("document.activeElement?.id"), "f-mode");
  });

  it("downloads an attachment with its name", async () => {
    const page = await open(`/ui/runs/${seeded.xssRun}`, "run-attachments");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("a[download]").first().click()]);
    const file = await download.path();
    assert.equal(fs.readFileSync(file, "utf8"), seeded.attachmentBytes);
    // Chromium replaces the characters it does not allow in file names (< and >) by "_".
    assert.equal(download.suggestedFilename(), "program _b id=xss-file_.nc");
  });

  it("text meets WCAG AA contrast (4.5:1) on every page", async () => {
    // For each element with its own text: its colour against the first opaque background
    // up the tree (WCAG 2 relative luminance).
    const worstOf = `(() => {
      const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const bgOf = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length >= 3 && (c.length < 4 || c[3] > 0.9)) return c;
        }
        return [255, 255, 255];
      };
      let worst = { ratio: 99, text: "" };
      for (const el of document.querySelectorAll("body *")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
        if (!own || el.offsetParent === null) continue;
        const a = lum(rgb(getComputedStyle(el).color));
        const b = lum(bgOf(el));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < worst.ratio) worst = { ratio, text: el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 40) };
      }
      return worst;
    })()`;
    for (const p of [
      `/ui/runs/${seeded.redRun}`,
      "/ui/runs",
      `/ui/diff?a=${seeded.greenRun}&b=${seeded.redRun}`,
      "/ui/reviews",
      "/ui/login",
    ]) {
      const page = await open(p, `contrast-${p.split("/")[2]?.split("?")[0] || "home"}`);
      const worst = (await page.evaluate(worstOf)) as { ratio: number; text: string };
      assert.ok(worst.ratio >= 4.5, `${p}: contrast ${worst.ratio.toFixed(2)} for ${worst.text}`);
    }
  });

  it("is readable on a tablet", async () => {
    const page = context.pages()[0] as Page;
    await page.setViewportSize({ width: 768, height: 1024 });
    await open(`/ui/runs/${seeded.redRun}`, "run-tablet");
    const overflow = (await page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )) as number;
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px on a tablet`);
    await open("/ui/runs", "runs-tablet");
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
