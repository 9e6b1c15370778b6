/** Tests for async_group_commit.ts: batching while a commit is in flight, per-item and whole-batch errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncGroupCommit, type ItemOutcome } from "./async_group_commit.js";

const tick = () => new Promise<void>((r) => setImmediate(r));

test("items submitted while a batch commits go together into the next one", async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const group = new AsyncGroupCommit<number, number>(async (items) => {
    batches.push([...items]);
    if (batches.length === 1) await gate;
    return items.map((n) => ({ ok: true, value: n * 10 }));
  });
  const first = group.submit(1);
  await tick();
  const rest = [group.submit(2), group.submit(3), group.submit(4)];
  await tick();
  assert.deepEqual(batches, [[1]], "the first item of an idle queue is committed at once");
  release();
  assert.deepEqual(await Promise.all([first, ...rest]), [10, 20, 30, 40]);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
});

test("an item's own error rejects that item only; a failed commit rejects its whole batch", async () => {
  let fail = false;
  const group = new AsyncGroupCommit<number, number>(async (items) => {
    if (fail) throw new Error("commit failed");
    return items.map(
      (n): ItemOutcome<number> => (n % 2 ? { ok: true, value: n } : { ok: false, error: new Error(`item ${n}`) }),
    );
  });
  const results = await Promise.allSettled([group.submit(1), group.submit(2), group.submit(3)]);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
    [1, "item 2", 3],
  );
  fail = true;
  const failed = await Promise.allSettled([group.submit(5), group.submit(7)]);
  assert.ok(failed.every((r) => r.status === "rejected" && (r.reason as Error).message === "commit failed"));
  fail = false;
  assert.equal(await group.submit(9), 9, "the queue keeps working after a failed commit");
});

test("batches are at most maxBatch items", async () => {
  const sizes: number[] = [];
  const group = new AsyncGroupCommit<number, number>(async (items) => {
    sizes.push(items.length);
    await tick();
    return items.map((n) => ({ ok: true, value: n }));
  }, 3);
  await Promise.all(Array.from({ length: 8 }, (_, i) => group.submit(i)));
  assert.ok(
    sizes.every((s) => s <= 3),
    `batch sizes ${sizes.join(",")}`,
  );
  assert.equal(
    sizes.reduce((a, b) => a + b, 0),
    8,
  );
});

test("a commit answering the wrong number of outcomes rejects the batch", async () => {
  const group = new AsyncGroupCommit<number, number>(async () => []);
  await assert.rejects(group.submit(1), /0 outcomes for 1 items/);
});

test("with maxInFlight 2 a second batch commits while the first waits; never a third", async () => {
  let inFlight = 0;
  let most = 0;
  const gates: Array<() => void> = [];
  const group = new AsyncGroupCommit<number, number>(
    async (items) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => gates.push(r));
      inFlight--;
      return items.map((n) => ({ ok: true, value: n }));
    },
    256,
    2,
  );
  const all = [group.submit(1), group.submit(2)];
  await tick();
  all.push(group.submit(3), group.submit(4));
  await tick();
  assert.equal(gates.length, 2, "two batches in flight");
  for (let i = 0; i < 10 && gates.length > 0; i++) {
    gates.shift()?.();
    await tick();
  }
  assert.deepEqual(await Promise.all(all), [1, 2, 3, 4]);
  assert.equal(most, 2);
});
