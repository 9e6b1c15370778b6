/**
 * Per-client rate limiting: a token bucket per client key (client_key.ts) — `rate`
 * tokens a second, at most `burst` saved — answered with 429 problem+json and
 * `Retry-After` (whole seconds until a token is back) when empty. It runs before the
 * body is read, so a refused request costs nothing but its headers (the body is dropped
 * by the lingering close). Buckets of clients not seen for a while are forgotten, and
 * their number is bounded, so that many addresses cannot grow the map without end.
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../contracts/problem.js";
import { clientKeyOf } from "./client_key.js";

interface Bucket {
  tokens: number;
  at: number;
}

/** The most buckets kept; past it, the oldest are dropped (a dropped client starts with a full bucket). */
const MAX_BUCKETS = 100_000;

/** Token buckets by key. `now` is injectable for tests. */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `key`: 0 when granted, else the seconds until one is back. */
  take(key: string): number {
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#prune();
      bucket = { tokens: this.burst, at: now };
    } else {
      this.#buckets.delete(key); // re-inserted below: the map stays in least-recently-used order
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
      bucket.at = now;
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.rate;
  }

  /** Buckets held (for tests). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Drops the least recently seen tenth of the buckets. */
  #prune(): void {
    const target = Math.floor(MAX_BUCKETS * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= target) return;
      this.#buckets.delete(key);
    }
  }
}

/** The 429 problem of a client that must wait `seconds` (whole seconds, at least 1). */
export function rateLimited(seconds: number): ProblemError {
  return new ProblemError(429, `too many requests from this client; retry in ${seconds} s`, {
    slug: "rate-limited",
    headers: { "Retry-After": String(seconds) },
  });
}

/**
 * One kernel's rate limit: `admit` takes a token for a client key (the one check, used
 * by the route middleware and by the kernel's answer of cached reads, http/cached_reads.ts),
 * `middleware` refuses with 429 + Retry-After once a client's bucket is empty.
 */
export class RateLimit {
  readonly #buckets: TokenBuckets;
  readonly middleware: MiddlewareHandler;

  constructor(rate: number, burst: number) {
    this.#buckets = new TokenBuckets(rate, burst);
    this.middleware = async (c, next) => {
      const seconds = this.admit(clientKeyOf(c));
      if (seconds > 0) throw rateLimited(seconds);
      await next();
    };
  }

  /**
   * Takes a token for `key`: 0 when the request may go on, else the whole seconds (at
   * least 1) until one is back — nothing is taken then, so asking again does not cost
   * the client a second token. A request without a key (no client) is not limited.
   */
  admit(key: string | undefined): number {
    const wait = key === undefined ? 0 : this.#buckets.take(key);
    return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
  }
}

/** The rate limit of `rate` tokens a second and `burst` saved; `rate` 0 turns it off. */
export function rateLimit(rate: number, burst: number): RateLimit | undefined {
  return rate > 0 ? new RateLimit(rate, burst) : undefined;
}
