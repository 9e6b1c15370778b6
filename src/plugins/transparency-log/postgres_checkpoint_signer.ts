/**
 * The checkpoint signer on PostgreSQL, one per instance, of which only one signs at a
 * time: signing is one transaction that first takes the signer's advisory lock, then
 * reads the latest checkpoint and the log's size as the database holds them (any
 * instance may have signed or appended meanwhile), proves from the stored tree that
 * the new tree is consistent with that checkpoint (an RFC 9162 consistency proof,
 * verified) and stores the new one. A tree that no longer extends the last signed
 * checkpoint is refused, reported, and refused again at every later attempt. After a
 * local append it signs within `intervalMs`; it also looks every `intervalMs` for
 * leaves appended by the other instances.
 */
import type { SignedCheckpoint } from "../../contracts/ports/transparency_log.js";
import { consistencyProofRanges } from "../../contracts/tlog/consistency_proof.js";
import type { NoteSigner } from "../../contracts/tlog/note_keys.js";
import { type NodeSource, nodesOfRange } from "../../contracts/tlog/tree_hash.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { inClientTransaction } from "../../kernel/plugin_api/storage.js";
import { nextCheckpoint } from "./next_checkpoint.js";
import { LOG_LOCK_NAMESPACE, type PostgresLogStore, SIGNER_LOCK } from "./postgres_log_store.js";
import { InconsistentLogError, ScheduledSigner } from "./scheduled_signer.js";

/** The nodes of a tree that did not grow: never asked for one. */
const NO_NODES: NodeSource = {
  node(level, index) {
    throw new Error(`no node ${level}/${index} was read: the tree did not grow`);
  },
};

export class PostgresCheckpointSigner extends ScheduledSigner {
  #signing: Promise<SignedCheckpoint> | undefined;

  constructor(
    private readonly store: PostgresLogStore,
    private readonly signer: NoteSigner,
    options: { intervalMs: number; logger: Logger },
  ) {
    super(options);
  }

  protected signDue(): void {
    if (this.closed) return;
    this.signNow().catch((error: unknown) => {
      if (!(error instanceof InconsistentLogError) && !this.closed) {
        this.options.logger.error({ err: error }, "signing a checkpoint failed");
      }
    });
  }

  /**
   * Signs a checkpoint for the current size unless the latest already covers it;
   * answers the latest. Calls while one is signing share it and then sign again.
   */
  async signNow(): Promise<SignedCheckpoint> {
    while (this.#signing) await this.#signing.catch(() => undefined);
    this.#signing = this.#sign();
    try {
      return await this.#signing;
    } finally {
      this.#signing = undefined;
    }
  }

  async #sign(): Promise<SignedCheckpoint> {
    this.assertWilling();
    const origin = this.signer.name;
    const signed = await inClientTransaction(this.store.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOG_LOCK_NAMESPACE, SIGNER_LOCK]);
      const last = await this.store.latestCheckpoint(origin, client);
      const size = await this.store.size(client);
      // What is in the database now, not what was cached: the tree's nodes and the proof's.
      const ranges = last && last.size < size ? consistencyProofRanges(last.size, size) : [];
      const ids = [...(size > 0 ? nodesOfRange(0, size) : []), ...ranges.flatMap((r) => nodesOfRange(r.start, r.end))];
      // A tree the last checkpoint covers (or that lost leaves) needs no node: nothing is read.
      const grew = last === undefined || last.size < size;
      const nodes = grew ? await this.store.nodesFor(ids, { fresh: true, on: client }) : NO_NODES;
      const next = nextCheckpoint(this.signer, last, size, nodes);
      if (next.kind === "covered") return { checkpoint: next.checkpoint, fresh: false };
      if (next.kind === "refuse") this.refuse(next.reason);
      await this.store.saveCheckpoint(client, next.size, next.root, next.note, new Date().toISOString());
      return { checkpoint: (await this.store.latestCheckpoint(origin, client)) as SignedCheckpoint, fresh: true };
    });
    if (signed.fresh) this.signed();
    return signed.checkpoint;
  }

  /** Stops the timers and waits for a signature under way. */
  async close(): Promise<void> {
    this.stopTimers();
    await this.#signing?.catch(() => undefined);
  }
}
