/**
 * A small LRU cache bounded by bytes. Artifacts are write-once, so a cached artifact
 * can never be stale: the cache only saves the file read and parse of hot runs.
 */

export class ByteLruCache<V extends { readonly bytes: { length: number } }> {
  readonly #entries = new Map<string, V>();
  #size = 0;

  constructor(private readonly maxBytes: number) {}

  /** The value, marked as most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores a value, evicting the least recently used ones beyond the byte budget. */
  set(key: string, value: V): void {
    const size = value.bytes.length;
    if (size > this.maxBytes / 4) return; // one huge artifact must not flush the cache
    const old = this.#entries.get(key);
    if (old) {
      this.#size -= old.bytes.length;
      this.#entries.delete(key);
    }
    this.#entries.set(key, value);
    this.#size += size;
    for (const [k, v] of this.#entries) {
      if (this.#size <= this.maxBytes) break;
      this.#entries.delete(k);
      this.#size -= v.bytes.length;
    }
  }

  /** Bytes held. */
  get size(): number {
    return this.#size;
  }

  /** Values held. */
  get entries(): number {
    return this.#entries.size;
  }
}
