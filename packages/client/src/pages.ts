/**
 * Cursor pagination as an async iterator: the service answers a list with
 * `{ items, next_cursor }`; the iterator asks for the next page with `?cursor=` until
 * `next_cursor` is null, yielding every item on the way. A server that hands back a
 * cursor it already gave would make this loop forever, so a repeated cursor is an
 * error instead.
 */

/** One page of a cursor-paginated list. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
}

/** Every item of every page; `fetchPage(cursor)` loads one page (`undefined` = the first). */
export async function* everyItem<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (page.next_cursor === null || page.next_cursor === undefined) return;
    if (seen.has(page.next_cursor)) throw new Error(`the service repeated the cursor ${page.next_cursor}`);
    seen.add(page.next_cursor);
    cursor = page.next_cursor;
  }
}
