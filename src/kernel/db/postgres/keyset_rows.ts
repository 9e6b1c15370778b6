/**
 * Keyset pagination for the PostgreSQL stores' scans: every row of a query ordered by a
 * unique key, read `batch` rows per round trip (`WHERE key > $after ORDER BY key LIMIT
 * batch`), never an OFFSET and never the whole table in memory. A page shorter than
 * `batch` is the last one.
 */

/**
 * Yields every row: `page(after)` answers up to `batch` rows whose key follows `after`
 * (`first` for the first page), `keyOf` the key of a row.
 */
export async function* keysetRows<Row, Key>(
  first: Key,
  batch: number,
  page: (after: Key) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): AsyncGenerator<Row> {
  let after = first;
  for (;;) {
    const rows = await page(after);
    yield* rows;
    const last = rows.at(-1);
    if (last === undefined || rows.length < batch) return;
    after = keyOf(last);
  }
}
