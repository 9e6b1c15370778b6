/**
 * Group commit for an asynchronous commit (a PostgreSQL transaction): items submitted
 * while a batch is being committed wait and go together into the next batch, so N
 * concurrent writers pay for one transaction — one lock, one WAL flush — instead of N
 * in a row. At most `maxInFlight` batches are in flight per queue (two let one batch
 * write its rows while the one before it waits for its commit); the first item of an
 * idle queue is committed at once (no added latency when there is no concurrency). A submitter's
 * promise settles only after the commit that holds its item: with the item's own result
 * (a value or an Error the commit assigned to that item alone), or with the batch's
 * error when the whole commit failed.
 */

/** What `commit` answers for each item: its result, or an error that is that item's alone. */
export type ItemOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export class AsyncGroupCommit<T, R> {
  #pending: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  #inFlight = 0;

  /**
   * `commit` gets a batch (at most `maxBatch` items) and answers one outcome per item, in
   * order; when it throws, every item of the batch is rejected with that error.
   */
  constructor(
    private readonly commit: (items: readonly T[]) => Promise<ItemOutcome<R>[]>,
    private readonly maxBatch = 256,
    private readonly maxInFlight = 1,
  ) {}

  /** Adds `item` to the next batch; settles once that batch is committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#inFlight < this.maxInFlight) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#inFlight++;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.maxBatch);
      let outcomes: ItemOutcome<R>[];
      try {
        outcomes = await this.commit(batch.map((p) => p.item));
        if (outcomes.length !== batch.length) {
          throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
        }
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      for (const [i, p] of batch.entries()) {
        const outcome = outcomes[i] as ItemOutcome<R>;
        if (outcome.ok) p.resolve(outcome.value);
        else p.reject(outcome.error);
      }
    }
    this.#inFlight--;
  }
}
