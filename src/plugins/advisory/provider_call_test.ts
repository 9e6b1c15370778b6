/**
 * Unit tests of calling an unreliable provider: retries up to the bound with growing
 * backoff, a timeout per attempt that aborts the attempt's signal, no retry after a
 * non-retryable error, and a late failure of an abandoned attempt that is reported to
 * onAbandoned instead of becoming an unhandled rejection.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExplanationProviderError } from "../../contracts/ports/advisory_explanation_provider.js";
import { type AttemptFailure, ProviderCallError, backoffDelay, callWithRetry } from "./provider_call.js";

const fast = { attempts: 3, timeoutMs: 1000, backoffMs: 100 };

function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

describe("callWithRetry", () => {
  it("answers the first success without sleeping", async () => {
    const { sleeps, sleep } = recorder();
    const result = await callWithRetry(async () => "ok", fast, { sleep });
    assert.deepEqual(result, { value: "ok", attempts: 1 });
    assert.deepEqual(sleeps, []);
  });

  it("retries failures with exponential backoff and answers a later success", async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    const failures: AttemptFailure[] = [];
    const result = await callWithRetry(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`boom ${calls}`);
        return calls;
      },
      fast,
      { sleep, random: () => 0.999999, onFailure: (f) => failures.push(f) },
    );
    assert.deepEqual(result, { value: 3, attempts: 3 });
    assert.deepEqual(sleeps, [100, 200]);
    assert.deepEqual(
      failures.map((f) => [f.attempt, f.kind, f.message]),
      [
        [1, "error", "boom 1"],
        [2, "error", "boom 2"],
      ],
    );
  });

  it("gives up after the bounded number of attempts with every failure listed", async () => {
    const { sleep } = recorder();
    let calls = 0;
    const error = await callWithRetry(
      async () => {
        calls++;
        throw new Error("down");
      },
      fast,
      { sleep },
    ).then(
      () => assert.fail("should have failed"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProviderCallError);
    assert.equal(error.kind, "error");
    assert.equal(error.failures.length, 3);
    assert.equal(calls, 3);
  });

  it("stops at once on a non-retryable error", async () => {
    let calls = 0;
    await assert.rejects(
      callWithRetry(
        async () => {
          calls++;
          throw new ExplanationProviderError("bad input", false);
        },
        fast,
        { sleep: async () => undefined },
      ),
      (e: unknown) => e instanceof ProviderCallError && e.failures.length === 1,
    );
    assert.equal(calls, 1);
  });

  it("times an attempt out, aborts its signal, and reports the timeout as the kind", async () => {
    const signals: AbortSignal[] = [];
    const abandoned: unknown[] = [];
    const error = await callWithRetry(
      (signal) => {
        signals.push(signal);
        // Fails only when aborted, i.e. after its timeout: a late failure of an abandoned attempt.
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () => setImmediate(() => reject(new Error("late")))),
        );
      },
      { attempts: 2, timeoutMs: 20, backoffMs: 0 },
      { onAbandoned: (e) => abandoned.push(e) },
    ).then(
      () => assert.fail("should have timed out"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProviderCallError);
    assert.equal(error.kind, "timeout");
    assert.deepEqual(
      error.failures.map((f) => f.kind),
      ["timeout", "timeout"],
    );
    assert.equal(signals.length, 2);
    assert.ok(signals.every((s) => s.aborted));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(abandoned.length, 2);
  });

  it("ignores the late answer of a timed-out attempt and uses the next attempt's", async () => {
    let calls = 0;
    const result = await callWithRetry(
      (signal) => {
        calls++;
        if (calls === 1) return new Promise((resolve) => signal.addEventListener("abort", () => resolve("late")));
        return Promise.resolve("fresh");
      },
      { attempts: 2, timeoutMs: 20, backoffMs: 0 },
    );
    assert.deepEqual(result, { value: "fresh", attempts: 2 });
  });

  it("counts a synchronous throw as a failed attempt", async () => {
    await assert.rejects(
      callWithRetry(
        () => {
          throw new Error("sync");
        },
        { attempts: 1, timeoutMs: 100, backoffMs: 0 },
      ),
      (e: unknown) => e instanceof ProviderCallError && e.kind === "error",
    );
  });
});

describe("backoffDelay", () => {
  it("doubles per attempt and stays within [half, full] of the nominal delay", () => {
    for (const next of [2, 3, 4, 5]) {
      const nominal = 100 * 2 ** (next - 2);
      assert.equal(
        backoffDelay(100, next, () => 0),
        nominal / 2,
      );
      assert.ok(backoffDelay(100, next, () => 0.999999) <= nominal);
    }
  });
});
