/**
 * Unit tests of GroupCommit: items submitted in one turn share one commit, each gets
 * its own result, later submissions go to the next batch, and a failed commit rejects
 * exactly the items of its batch.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GroupCommit } from "./group_commit.js";

describe("GroupCommit", () => {
  test("items submitted in one turn share one commit and get their own results", async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>((items) => {
      batches.push([...items]);
      return items.map((n) => n * 10);
    });
    const first = await Promise.all([group.submit(1), group.submit(2), group.submit(3)]);
    assert.deepEqual(first, [10, 20, 30]);
    assert.equal(await group.submit(4), 40);
    assert.deepEqual(batches, [[1, 2, 3], [4]]);
  });

  test("a failed commit rejects its batch only", async () => {
    let calls = 0;
    const group = new GroupCommit<string, boolean>((items) => {
      calls++;
      if (items.includes("bad")) throw new Error("SQLITE_FULL");
      return items.map(() => true);
    });
    const results = await Promise.allSettled([group.submit("a"), group.submit("bad")]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    assert.match(String((results[0] as PromiseRejectedResult).reason), /SQLITE_FULL/);
    assert.equal(await group.submit("c"), true);
    assert.equal(calls, 2);
  });

  test("a commit answering the wrong number of results is an error, not a silent mismatch", async () => {
    const group = new GroupCommit<number, number>(() => [1]);
    await assert.rejects(Promise.all([group.submit(1), group.submit(2)]), /2 items/);
  });
});
