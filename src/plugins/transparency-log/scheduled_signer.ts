/**
 * What both checkpoint signers (SQLite, PostgreSQL) share around the signing itself:
 * when to sign — within `intervalMs` after leaves are appended here (appends in between
 * share one signature), and every `intervalMs` in any case, to cover leaves appended by
 * another process or instance — and the refusal: once the stored tree no longer extends
 * the last signed checkpoint, the signer says why, logs it, and refuses from then on.
 * The timers never keep the process alive; after `stopTimers` nothing is scheduled.
 */
import type { Logger } from "../../kernel/plugin_api/plugin.js";

/** Raised when the tree no longer extends the last signed checkpoint. */
export class InconsistentLogError extends Error {
  override readonly name = "InconsistentLogError";
}

export abstract class ScheduledSigner {
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastSignedAt = 0;
  #closed = false;
  #refusal: InconsistentLogError | undefined;

  constructor(protected readonly options: { intervalMs: number; logger: Logger }) {}

  /** Signs when a checkpoint is due, reporting its own failures (never throws). */
  protected abstract signDue(): void;

  /** Why the signer refuses to sign, if it does. */
  get refusal(): InconsistentLogError | undefined {
    return this.#refusal;
  }

  /** Whether the timers were stopped. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** Starts the periodic look for leaves appended elsewhere. */
  start(): void {
    this.#poll = setInterval(() => this.signDue(), this.options.intervalMs);
    this.#poll.unref();
  }

  /** Leaves were appended here: sign within the interval after the last signature. */
  appended(): void {
    if (this.#timer || this.#closed) return;
    const delay = Math.max(0, this.#lastSignedAt + this.options.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.signDue();
    }, delay);
    this.#timer.unref();
  }

  /** Throws the standing refusal, if any: called before every signature. */
  protected assertWilling(): void {
    if (this.#refusal) throw this.#refusal;
  }

  /** Refuses from now on, for `reason` (logged once). */
  protected refuse(reason: string): never {
    this.options.logger.error({ reason }, "transparency log: refusing to sign a checkpoint");
    this.#refusal = new InconsistentLogError(`refusing to sign: ${reason}`);
    throw this.#refusal;
  }

  /** A checkpoint was just signed. */
  protected signed(): void {
    this.#lastSignedAt = Date.now();
  }

  /** Stops the timers. */
  protected stopTimers(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
  }
}
