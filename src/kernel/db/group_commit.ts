/**
 * Group commit: the items submitted during one turn of the event loop are committed
 * together, by one call of `commit` (for SQLite: one transaction), and each submitter
 * gets its own item's result. Concurrent writers — HTTP creates, the v1 import's
 * records in flight — finish their file fsyncs at different moments; their index rows
 * then share one transaction instead of paying one each (a commit writes the WAL
 * header and every touched page again). A submitter's promise settles only after the
 * commit that holds its item, so nothing is answered before it is committed. When
 * `commit` throws, every item of that batch is rejected with the error.
 */
export class GroupCommit<T, R> {
  #pending: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  #scheduled = false;

  /** `commit` gets a batch and answers one result per item, in order. */
  constructor(private readonly commit: (items: readonly T[]) => R[]) {}

  /** Adds `item` to the next batch (committed after the current turn of the event loop). */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    let results: R[];
    try {
      results = this.commit(batch.map((p) => p.item));
      if (results.length !== batch.length) {
        throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
  }
}
