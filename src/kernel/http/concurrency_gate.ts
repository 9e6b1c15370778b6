/**
 * A concurrency cap for costly operations (verify, diff, schema migrate,
 * suggest-and-attach — costly_routes.ts): at most `limit` run at once; a few more may
 * wait (`queue`, each at most `waitMs`); past that, or once the wait is over, the
 * request is refused with 503 problem+json and `Retry-After` instead of queueing
 * without end. One gate is shared by all costly routes of a process: they compete for
 * the same CPU and disk.
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../contracts/problem.js";

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

export class ConcurrencyGate {
  #running = 0;
  readonly #waiting: Waiter[] = [];

  constructor(
    readonly limit: number,
    readonly queue: number,
    readonly waitMs: number,
  ) {}

  /** Operations running now. */
  get running(): number {
    return this.#running;
  }

  /** Resolves with a release function once a slot is free; rejects with a 503 ProblemError when none will be in time. */
  acquire(): Promise<() => void> {
    if (this.#running < this.limit) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting.length >= this.queue || this.waitMs === 0) return Promise.reject(this.#busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(this.#releaser());
        },
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(this.#busy());
        }, this.waitMs),
      };
      this.#waiting.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next)
        next.grant(); // the slot passes on: running stays the same
      else this.#running--;
    };
  }

  #busy(): ProblemError {
    const seconds = Math.max(1, Math.ceil(this.waitMs / 1000));
    return new ProblemError(503, `too many costly operations at once (limit ${this.limit}); retry in ${seconds} s`, {
      slug: "busy",
      headers: { "Retry-After": String(seconds) },
    });
  }
}

/** Middleware that runs the rest of the request inside a slot of `gate`. */
export function concurrencyCap(gate: ConcurrencyGate): MiddlewareHandler {
  return async (_c, next) => {
    const release = await gate.acquire();
    try {
      await next();
    } finally {
      release();
    }
  };
}
