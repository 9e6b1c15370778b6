/** Cursor pagination: every item of every page, in order; a repeated cursor is an error, not a loop. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { everyItem, type Page } from "./pages.js";

test("follows next_cursor until null, asking with each cursor once", async () => {
  const pages: Record<string, Page<number>> = {
    first: { items: [1, 2], next_cursor: "c1" },
    c1: { items: [3], next_cursor: "c2" },
    c2: { items: [], next_cursor: null },
  };
  const asked: Array<string | undefined> = [];
  const got: number[] = [];
  for await (const n of everyItem(async (cursor) => {
    asked.push(cursor);
    return pages[cursor ?? "first"] as Page<number>;
  })) {
    got.push(n);
  }
  assert.deepEqual(got, [1, 2, 3]);
  assert.deepEqual(asked, [undefined, "c1", "c2"]);
});

test("a server that repeats a cursor is refused instead of looping", async () => {
  const it = everyItem(async () => ({ items: [1], next_cursor: "same" }));
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const n of it) got.push(n);
  }, /repeated the cursor same/);
  assert.deepEqual(got, [1, 1]);
});
