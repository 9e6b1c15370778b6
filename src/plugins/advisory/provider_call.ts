/**
 * Calling an unreliable provider: a timeout per attempt, a bounded number of attempts,
 * exponential backoff with jitter between them.
 *
 * Each attempt gets its own AbortSignal, aborted when its timeout expires; an attempt
 * that answers after its timeout is abandoned (its late answer or error is ignored and
 * logged, never used), so a caller that writes only after `callWithRetry` resolves never
 * writes from a timed-out attempt. An error with `retryable: false` ends the retries at
 * once. When every attempt failed, a {@link ProviderCallError} says whether the last one
 * timed out (→ 504) or failed (→ 502) and lists every failure.
 */

/** How a provider is called. */
export interface CallPolicy {
  /** Attempts in all (≥ 1). */
  readonly attempts: number;
  /** Time limit of one attempt. */
  readonly timeoutMs: number;
  /** Backoff before the second attempt; doubled before each further one (with jitter). */
  readonly backoffMs: number;
}

/** One failed attempt. */
export interface AttemptFailure {
  readonly attempt: number;
  readonly kind: "timeout" | "error";
  readonly message: string;
}

/** Every attempt failed; `kind` is that of the last one. */
export class ProviderCallError extends Error {
  override readonly name = "ProviderCallError";
  constructor(
    readonly kind: "timeout" | "error",
    readonly failures: readonly AttemptFailure[],
  ) {
    const last = failures.at(-1);
    super(`${failures.length} attempt(s) failed; last: ${last ? `${last.kind}: ${last.message}` : "none"}`);
  }
}

export interface CallOptions {
  /** Waits between attempts (tests pass a recorder). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. */
  readonly random?: () => number;
  /** Told about every failed attempt (for logs and metrics). */
  readonly onFailure?: (failure: AttemptFailure) => void;
  /** Told when an abandoned (timed-out) attempt settles later with an error. */
  readonly onAbandoned?: (error: unknown) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class AttemptTimeout extends Error {
  override readonly name = "AttemptTimeout";
}

/** The delay before attempt `next` (2, 3, …): base·2^(next−2), scaled by a jitter in [0.5, 1). */
export function backoffDelay(baseMs: number, next: number, random: () => number): number {
  return Math.round(baseMs * 2 ** (next - 2) * (0.5 + random() / 2));
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function attemptOnce<T>(
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  onAbandoned: (error: unknown) => void,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AttemptTimeout(`no answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const work = Promise.resolve().then(() => call(controller.signal));
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
    if (controller.signal.aborted) work.catch(onAbandoned); // the abandoned attempt must not become an unhandled rejection
  }
}

/** Calls `call` until it answers or the attempts are spent; throws ProviderCallError. */
export async function callWithRetry<T>(
  call: (signal: AbortSignal) => Promise<T>,
  policy: CallPolicy,
  options: CallOptions = {},
): Promise<{ value: T; attempts: number }> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const failures: AttemptFailure[] = [];
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(policy.backoffMs, attempt, random));
    try {
      const value = await attemptOnce(call, policy.timeoutMs, options.onAbandoned ?? (() => undefined));
      return { value, attempts: attempt };
    } catch (error) {
      const failure: AttemptFailure = {
        attempt,
        kind: error instanceof AttemptTimeout ? "timeout" : "error",
        message: messageOf(error),
      };
      failures.push(failure);
      options.onFailure?.(failure);
      if ((error as { retryable?: unknown }).retryable === false) break;
    }
  }
  throw new ProviderCallError((failures.at(-1) as AttemptFailure).kind, failures);
}
