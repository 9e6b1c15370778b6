/** Tests for keyset_rows.ts: every row once, in order, one page past the last full one at most. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { keysetRows } from "./keyset_rows.js";

const table = Array.from({ length: 23 }, (_, i) => i * 2);

async function collect(batch: number, rows: number[]): Promise<{ seen: number[]; pages: number }> {
  let pages = 0;
  const seen: number[] = [];
  const page = async (after: number) => {
    pages++;
    return rows.filter((r) => r > after).slice(0, batch);
  };
  for await (const row of keysetRows(-1, batch, page, (r) => r)) seen.push(row);
  return { seen, pages };
}

test("every row once, in key order, for batches that do and do not divide the table", async () => {
  for (const batch of [1, 5, 23, 100]) {
    const { seen, pages } = await collect(batch, table);
    assert.deepEqual(seen, table, `batch ${batch}`);
    assert.equal(pages, Math.floor(table.length / batch) + 1, `batch ${batch}: pages`);
  }
});

test("an empty table is one query and no row", async () => {
  assert.deepEqual(await collect(10, []), { seen: [], pages: 1 });
});
