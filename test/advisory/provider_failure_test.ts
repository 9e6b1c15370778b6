/**
 * HTTP tests of suggest-and-attach when the explanation provider misbehaves, with the
 * provider swapped through a tiny plugin (no mocks of the stores): a failing provider
 * is retried a bounded number of times, then answered 502 problem+json; a slow one 504;
 * an invalid answer 502; a non-retryable error is not retried; a flaky one succeeds on
 * a retry. In every failure nothing is half-done: no asset, no review event, no link,
 * no temp file, the counters of created advisories unchanged — even when a timed-out
 * attempt answers later.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  type ExplanationDraft,
  type ExplanationProvider,
  ExplanationProviderError,
} from "../../src/contracts/ports/advisory_explanation_provider.js";
import { type TestKernel, startTestKernel } from "../../src/testing/test_kernel.js";
import {
  type Doc,
  FAST_RETRIES,
  advisoryFiles,
  createRun,
  fileSha256,
  linkFiles,
  metric,
  pluginsWith,
  runFile,
  runWithRisk,
} from "./support.js";

const GOOD: ExplanationDraft = { summary: "fine", text: "all fine", highlights: [] };

/** A provider that counts its calls and answers with `answer(call, signal)`. */
function provider(id: string, answer: (call: number, signal: AbortSignal) => Promise<unknown>) {
  const p = {
    id,
    calls: 0,
    async explain(_input: unknown, { signal }: { signal: AbortSignal }) {
      p.calls++;
      return (await answer(p.calls, signal)) as ExplanationDraft;
    },
  };
  return p satisfies ExplanationProvider;
}

describe("suggest-and-attach with a misbehaving provider", () => {
  let t: TestKernel | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function expectNothingStored(k: TestKernel, run: Doc, runHash: string) {
    assert.deepEqual(advisoryFiles(k), [], "no asset, review event or temp file");
    assert.deepEqual(linkFiles(k, run), [], "no link");
    assert.equal(fileSha256(runFile(k, run)), runHash);
    const list = (await (await k.request(`runs/${run.run_id}/advisories`)).json()) as Doc;
    assert.deepEqual(list.items, []);
    assert.equal(await metric(k, 'rmos_advisories_created_total{asset_type="EXPLANATION"}'), 0);
    assert.equal(await metric(k, 'rmos_advisories_approved_total{reviewer="system"}'), 0);
    assert.equal(await metric(k, "rmos_advisories_pending"), 0);
  }

  it("retries a failing provider the bounded number of times, then answers 502 and stores nothing", async () => {
    const failing = provider("test.failing@1", async (call) => {
      throw new Error(`upstream down (call ${call})`);
    });
    t = await startTestKernel({ plugins: pluginsWith({ provider: failing }), env: FAST_RETRIES });
    const run = await createRun(t, runWithRisk("GREEN"));
    const runHash = fileSha256(runFile(t, run));
    const res = await t.request(`runs/${run.run_id}/suggest-and-attach`, { method: "POST" });
    assert.equal(res.status, 502);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    const problem = (await res.json()) as Doc;
    assert.equal(problem.type, "urn:rmos:problem:advisory-provider-failed");
    assert.equal(problem.provider, "test.failing@1");
    assert.equal(problem.attempts.length, 3);
    assert.match(problem.detail, /nothing was stored/);
    assert.match(problem.detail, /upstream down \(call 3\)/);
    assert.equal(failing.calls, 3);
    assert.equal(await metric(t, 'rmos_advisory_provider_failures_total{outcome="error"}'), 3);
    await expectNothingStored(t, run, runHash);
  });

  it("answers 504 when every attempt times out, and a late answer stores nothing either", async () => {
    const slow = provider(
      "test.slow@1",
      (_call, signal) =>
        // Answers a valid explanation, but only once its attempt has been abandoned.
        new Promise((resolve) => signal.addEventListener("abort", () => setTimeout(() => resolve(GOOD), 5))),
    );
    t = await startTestKernel({ plugins: pluginsWith({ provider: slow }), env: FAST_RETRIES });
    const run = await createRun(t, runWithRisk("GREEN"));
    const runHash = fileSha256(runFile(t, run));
    const res = await t.request(`runs/${run.run_id}/suggest-and-attach`, { method: "POST" });
    assert.equal(res.status, 504);
    const problem = (await res.json()) as Doc;
    assert.equal(problem.type, "urn:rmos:problem:advisory-provider-timeout");
    assert.deepEqual(
      problem.attempts.map((a: { kind: string }) => a.kind),
      ["timeout", "timeout", "timeout"],
    );
    assert.equal(slow.calls, 3);
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the late answers arrive
    assert.equal(await metric(t, 'rmos_advisory_provider_failures_total{outcome="timeout"}'), 3);
    await expectNothingStored(t, run, runHash);
  });

  it("answers 502 for an invalid explanation and stores nothing", async () => {
    const invalid = provider("test.invalid@1", async () => ({ summary: "", text: 42 }));
    t = await startTestKernel({ plugins: pluginsWith({ provider: invalid }), env: FAST_RETRIES });
    const run = await createRun(t, runWithRisk("YELLOW"));
    const runHash = fileSha256(runFile(t, run));
    const res = await t.request(`runs/${run.run_id}/suggest-and-attach`, { method: "POST" });
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as Doc).detail, /invalid explanation/);
    await expectNothingStored(t, run, runHash);
  });

  it("does not retry a non-retryable provider error", async () => {
    const refusing = provider("test.refusing@1", async () => {
      throw new ExplanationProviderError("input refused by policy", false);
    });
    t = await startTestKernel({ plugins: pluginsWith({ provider: refusing }), env: FAST_RETRIES });
    const run = await createRun(t);
    const res = await t.request(`runs/${run.run_id}/suggest-and-attach`, { method: "POST" });
    assert.equal(res.status, 502);
    assert.equal(refusing.calls, 1);
    await expectNothingStored(t, run, fileSha256(runFile(t, run)));
  });

  it("succeeds when a retry succeeds: one asset, one link, its provider recorded", async () => {
    const flaky = provider("test.flaky@1", async (call) => {
      if (call < 3) throw new Error("transient");
      return { summary: "explained on the third try", text: "text", highlights: ["h"] };
    });
    t = await startTestKernel({ plugins: pluginsWith({ provider: flaky }), env: FAST_RETRIES });
    const run = await createRun(t, runWithRisk("GREEN"));
    const res = await t.request(`runs/${run.run_id}/suggest-and-attach`, { method: "POST" });
    assert.equal(res.status, 201);
    const { asset, link } = (await res.json()) as Doc;
    assert.equal(flaky.calls, 3);
    assert.equal(asset.provider, "test.flaky@1");
    assert.equal(link.engine_id, "test.flaky@1");
    assert.equal(asset.suggestion_data.summary, "explained on the third try");
    assert.equal(asset.review.state, "APPROVED");
    assert.equal(advisoryFiles(t).length, 2, "the asset and its policy decision");
    assert.equal(linkFiles(t, run).length, 1);
  });
});
