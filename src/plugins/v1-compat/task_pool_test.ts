/**
 * Tests of the bounded task pool: never more tasks in flight than the limit, every task
 * runs, and the first failure stops the pool and is thrown (not swallowed).
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { TaskPool } from "./task_pool.js";

test("runs every task with at most `limit` in flight", async () => {
  const pool = new TaskPool(3);
  let inFlight = 0;
  let peak = 0;
  const done: number[] = [];
  for (let i = 0; i < 20; i++) {
    await pool.run(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(i % 4);
      inFlight--;
      done.push(i);
    });
  }
  await pool.drain();
  assert.equal(peak, 3);
  assert.deepEqual(
    [...done].sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
  );
});

test("the first failure stops the pool: run and drain throw it after the tasks in flight settle", async () => {
  const pool = new TaskPool(2);
  let settled = 0;
  await pool.run(async () => {
    await sleep(5);
    throw new Error("disk full");
  });
  await pool.run(async () => {
    await sleep(20);
    settled++;
  });
  await assert.rejects(
    (async () => {
      for (let i = 0; i < 10; i++) await pool.run(async () => void settled++);
    })(),
    /disk full/,
  );
  assert.equal(pool.failed, true);
  await assert.rejects(pool.drain(), /disk full/);
  assert.ok(settled >= 1, "the task in flight was awaited");
});

test("a limit that is not a positive integer is refused", () => {
  assert.throws(() => new TaskPool(0), RangeError);
  assert.throws(() => new TaskPool(1.5), RangeError);
});
