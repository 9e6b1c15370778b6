/**
 * Unit tests of the concurrency gate: at most `limit` at once, a bounded queue served in
 * order, a refusal (503 with Retry-After) when the queue is full or the wait is over,
 * and a slot released once however often release is called.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ProblemError } from "../../contracts/problem.js";
import { ConcurrencyGate } from "./concurrency_gate.js";

test("limit, queue in order, refusal when full", async () => {
  const gate = new ConcurrencyGate(2, 1, 10_000);
  const a = await gate.acquire();
  const b = await gate.acquire();
  assert.equal(gate.running, 2);
  const order: string[] = [];
  const queued = gate.acquire().then((release) => {
    order.push("c");
    return release;
  });
  await assert.rejects(gate.acquire(), (e: unknown) => {
    assert.ok(e instanceof ProblemError);
    assert.equal(e.status, 503);
    assert.ok(Number(e.options.headers?.["Retry-After"]) >= 1);
    return true;
  });
  a();
  a(); // a second release of the same slot changes nothing
  const c = await queued;
  assert.deepEqual(order, ["c"]);
  assert.equal(gate.running, 2);
  b();
  c();
  assert.equal(gate.running, 0);
});

test("a wait longer than the bound is refused", async () => {
  const gate = new ConcurrencyGate(1, 4, 30);
  const held = await gate.acquire();
  const started = Date.now();
  await assert.rejects(gate.acquire(), (e: unknown) => e instanceof ProblemError && e.status === 503);
  assert.ok(Date.now() - started >= 25);
  held();
  assert.equal(gate.running, 0, "the timed-out waiter took no slot");
});
