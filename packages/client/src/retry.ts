/**
 * When and how long to wait before sending a request again. Only requests that are
 * safe to repeat are retried: reads, a run creation under its Idempotency-Key (the
 * service answers a repeat with the run the first one made), an upload of re-readable
 * bytes (blobs are named by their hash). They are retried when no answer arrived
 * (connection refused, reset, closed) or the answer was 503, at most `retries` times,
 * with exponential backoff and jitter; a 503's `Retry-After` (seconds) is honoured up
 * to a cap so that a misconfigured server cannot stall the caller for long.
 */

/** How a client retries. */
export interface RetryPolicy {
  /** Extra attempts after the first (0 = never retry). */
  readonly retries: number;
  /** The first wait; each retry doubles it. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
}

/** The default: three retries, 200 ms doubling, waits of at most 5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 5000 };

/** The wait before retry number `attempt` (1-based); `retryAfter` is a 503's header value. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfter?: string | null): number {
  const seconds = retryAfter != null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  if (seconds !== undefined) return Math.min(seconds * 1000, policy.maxDelayMs);
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  const jitter = 0.5 + Math.random() / 2; // 50..100 % of the exponential step
  return Math.min(Math.round(exp * jitter), policy.maxDelayMs);
}

/** Whether `error`, thrown by fetch, means that no answer arrived (and not that the caller aborted). */
export function isConnectionFailure(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  return error instanceof TypeError || (error instanceof Error && error.name !== "AbortError");
}

/** Waits `ms`, or rejects when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
