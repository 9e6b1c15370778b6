/**
 * A small bounded cache of answers with their ETags, for conditional GETs. Run
 * artifacts are write-once, so a cached one stays true; the client still asks the
 * service with `If-None-Match` and reuses the cached body only on a 304. The body is
 * kept as text and parsed on each use, so a caller that mutates what it got cannot
 * change what the next caller gets. When full, the least recently used entry goes.
 */

/** One cached answer. */
export interface CachedAnswer {
  readonly etag: string;
  readonly text: string;
}

/** A least-recently-used map of key → {@link CachedAnswer}, at most `capacity` entries. */
export class EtagCache {
  readonly #entries = new Map<string, CachedAnswer>();
  constructor(readonly capacity: number) {}

  /** The entry for `key` (and marks it recently used). */
  get(key: string): CachedAnswer | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  /** Stores (or replaces) the entry for `key`, evicting the oldest beyond capacity. */
  set(key: string, answer: CachedAnswer): void {
    if (this.capacity <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, answer);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }
}
