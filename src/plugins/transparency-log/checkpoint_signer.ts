/**
 * The checkpoint signer. After leaves are appended it signs a new checkpoint at most
 * `intervalMs` later (appends in between share it), and it also looks every
 * `intervalMs` for leaves appended by another process. Before signing it proves, from
 * the stored tree, that the new tree is consistent with the last checkpoint it
 * signed (an RFC 9162 consistency proof, verified); if that fails — the stored tree
 * was rewritten — it refuses to sign, reports why, and keeps refusing.
 */
import type { SignedCheckpoint } from "../../contracts/ports/transparency_log.js";
import type { NoteSigner } from "../../contracts/tlog/note_keys.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { CheckpointSchedule } from "./checkpoint_schedule.js";
import { nextCheckpoint } from "./next_checkpoint.js";
import type { SqliteLogStore } from "./sqlite_log_store.js";

/** Raised when the tree no longer extends the last signed checkpoint. */
export class InconsistentLogError extends Error {
  override readonly name = "InconsistentLogError";
}

/** Records a refusal to sign: logs it once per call and answers the error to keep throwing. */
export function refusalOf(reason: string, logger: Logger): InconsistentLogError {
  logger.error({ reason }, "transparency log: refusing to sign a checkpoint");
  return new InconsistentLogError(`refusing to sign: ${reason}`);
}

export class CheckpointSigner {
  readonly #schedule: CheckpointSchedule;
  #refusal: InconsistentLogError | undefined;

  constructor(
    private readonly store: SqliteLogStore,
    private readonly signer: NoteSigner,
    private readonly options: { intervalMs: number; logger: Logger },
  ) {
    this.#schedule = new CheckpointSchedule(options.intervalMs, () => this.#signQuietly());
  }

  /** Why the signer refuses to sign, if it does. */
  get refusal(): InconsistentLogError | undefined {
    return this.#refusal;
  }

  /** Starts the periodic check for leaves appended elsewhere. */
  start(): void {
    this.#schedule.start();
  }

  /** Leaves were appended: sign within the interval. */
  appended(): void {
    this.#schedule.appended();
  }

  #signQuietly(): void {
    try {
      this.signNow();
    } catch (error) {
      if (!(error instanceof InconsistentLogError))
        this.options.logger.error({ err: error }, "signing a checkpoint failed");
    }
  }

  /** Signs a checkpoint for the current size unless the latest already covers it; answers the latest. */
  signNow(): SignedCheckpoint {
    if (this.#refusal) throw this.#refusal;
    const origin = this.signer.name;
    const last = this.store.latestCheckpoint(origin);
    // What is on disk now, not what was cached.
    const next = nextCheckpoint(this.signer, last, this.store.size(), this.store.nodes({ fresh: true }));
    if (next.kind === "covered") return next.checkpoint;
    if (next.kind === "refuse") {
      this.#refusal = refusalOf(next.reason, this.options.logger);
      throw this.#refusal;
    }
    this.store.saveCheckpoint(next.size, next.root, next.note, new Date().toISOString());
    this.#schedule.signed();
    return this.store.latestCheckpoint(origin) as SignedCheckpoint;
  }

  /** Stops the timers. */
  close(): void {
    this.#schedule.close();
  }
}
