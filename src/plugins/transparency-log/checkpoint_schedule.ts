/**
 * When a checkpoint signer signs, for both stores' signers: within `intervalMs` after
 * leaves are appended here (appends in between share one signature), and every
 * `intervalMs` in any case, to cover leaves appended by another process or instance.
 * The timers never keep the process alive; after `close` nothing is scheduled.
 */
export class CheckpointSchedule {
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastSignedAt = 0;
  #closed = false;

  /** `sign` is called when a checkpoint is due; it reports its own failures. */
  constructor(
    private readonly intervalMs: number,
    private readonly sign: () => void,
  ) {}

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the periodic look for leaves appended elsewhere. */
  start(): void {
    this.#poll = setInterval(() => this.sign(), this.intervalMs);
    this.#poll.unref();
  }

  /** Leaves were appended here: sign within the interval after the last signature. */
  appended(): void {
    if (this.#timer || this.#closed) return;
    const delay = Math.max(0, this.#lastSignedAt + this.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.sign();
    }, delay);
    this.#timer.unref();
  }

  /** A checkpoint was just signed. */
  signed(): void {
    this.#lastSignedAt = Date.now();
  }

  /** Stops the timers. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
  }
}
