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
import { nextCheckpoint } from "./next_checkpoint.js";
import { InconsistentLogError, ScheduledSigner } from "./scheduled_signer.js";
import type { SqliteLogStore } from "./sqlite_log_store.js";

export { InconsistentLogError } from "./scheduled_signer.js";

export class CheckpointSigner extends ScheduledSigner {
  constructor(
    private readonly store: SqliteLogStore,
    private readonly signer: NoteSigner,
    options: { intervalMs: number; logger: Logger },
  ) {
    super(options);
  }

  protected signDue(): void {
    try {
      this.signNow();
    } catch (error) {
      if (!(error instanceof InconsistentLogError))
        this.options.logger.error({ err: error }, "signing a checkpoint failed");
    }
  }

  /** Signs a checkpoint for the current size unless the latest already covers it; answers the latest. */
  signNow(): SignedCheckpoint {
    this.assertWilling();
    const origin = this.signer.name;
    const last = this.store.latestCheckpoint(origin);
    // What is on disk now, not what was cached.
    const next = nextCheckpoint(this.signer, last, this.store.size(), this.store.nodes({ fresh: true }));
    if (next.kind === "covered") return next.checkpoint;
    if (next.kind === "refuse") this.refuse(next.reason);
    this.store.saveCheckpoint(next.size, next.root, next.note, new Date().toISOString());
    this.signed();
    return this.store.latestCheckpoint(origin) as SignedCheckpoint;
  }

  /** Stops the timers. */
  close(): void {
    this.stopTimers();
  }
}
