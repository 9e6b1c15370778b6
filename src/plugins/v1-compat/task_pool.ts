/**
 * A bounded pool of concurrent async tasks. The importer keeps a few records in flight
 * so that the fsyncs of one overlap the parsing and converting of the next (each
 * durable write waits on the disk; the event loop need not). `run` waits for a free
 * slot before starting a task, so memory stays bounded by the limit whatever the input
 * size. The first task that fails stops the pool: `run` and `drain` then throw its
 * error (after the tasks in flight have settled), so no failure is swallowed.
 */

export class TaskPool {
  readonly #inFlight = new Set<Promise<void>>();
  #failed = false;
  #error: unknown;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`the pool limit must be a positive integer, got ${limit}`);
  }

  /** Whether a task has failed (no more tasks are started). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Starts `task` once a slot is free; throws the first failure of any task. */
  async run(task: () => Promise<void>): Promise<void> {
    while (this.#inFlight.size >= this.limit) await Promise.race(this.#inFlight);
    if (this.#failed) {
      await this.#settle();
      throw this.#error;
    }
    const settled: Promise<void> = task()
      .catch((error: unknown) => {
        if (!this.#failed) {
          this.#failed = true;
          this.#error = error;
        }
      })
      .finally(() => {
        this.#inFlight.delete(settled);
      });
    this.#inFlight.add(settled);
  }

  /** Waits for every task; throws the first failure. */
  async drain(): Promise<void> {
    await this.#settle();
    if (this.#failed) throw this.#error;
  }

  async #settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}
