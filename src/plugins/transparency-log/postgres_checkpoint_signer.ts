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
import { decodeBase64Strict } from "../../contracts/tlog/base64.js";
import { formatCheckpoint } from "../../contracts/tlog/checkpoint.js";
import { consistencyProof, consistencyProofRanges } from "../../contracts/tlog/consistency_proof.js";
import { emptyRoot } from "../../contracts/tlog/hashing.js";
import type { NoteSigner } from "../../contracts/tlog/note_keys.js";
import { signNote } from "../../contracts/tlog/signed_note.js";
import { nodesOfRange, rangeHash } from "../../contracts/tlog/tree_hash.js";
import { verifyConsistency } from "../../contracts/tlog/verify_consistency.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { inClientTransaction } from "../../kernel/plugin_api/storage.js";
import { InconsistentLogError } from "./checkpoint_signer.js";
import { LOG_LOCK_NAMESPACE, type PostgresLogStore, SIGNER_LOCK } from "./postgres_log_store.js";

export class PostgresCheckpointSigner {
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastSignedAt = 0;
  #refusal: InconsistentLogError | undefined;
  #closed = false;
  #signing: Promise<SignedCheckpoint> | undefined;

  constructor(
    private readonly store: PostgresLogStore,
    private readonly signer: NoteSigner,
    private readonly options: { intervalMs: number; logger: Logger },
  ) {}

  /** Why the signer refuses to sign, if it does. */
  get refusal(): InconsistentLogError | undefined {
    return this.#refusal;
  }

  /** Starts the periodic check for leaves appended by any instance. */
  start(): void {
    this.#poll = setInterval(() => this.#signQuietly(), this.options.intervalMs);
    this.#poll.unref();
  }

  /** Leaves were appended here: sign within the interval. */
  appended(): void {
    if (this.#timer || this.#closed) return;
    const delay = Math.max(0, this.#lastSignedAt + this.options.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#signQuietly();
    }, delay);
    this.#timer.unref();
  }

  #signQuietly(): void {
    if (this.#closed) return;
    this.signNow().catch((error: unknown) => {
      if (!(error instanceof InconsistentLogError) && !this.#closed) {
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
    if (this.#refusal) throw this.#refusal;
    const origin = this.signer.name;
    const signed = await inClientTransaction(this.store.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOG_LOCK_NAMESPACE, SIGNER_LOCK]);
      const last = await this.store.latestCheckpoint(origin, client);
      const size = await this.store.size(client);
      if (last && last.size === size) return { checkpoint: last, fresh: false };
      if (last && last.size > size) {
        this.#refuse(`the log has ${size} leaves but checkpoint ${last.size} was signed: leaves were removed`);
      }
      // What is in the database now, not what was cached.
      const ranges = last ? consistencyProofRanges(last.size, size) : [];
      const ids = [...(size > 0 ? nodesOfRange(0, size) : []), ...ranges.flatMap((r) => nodesOfRange(r.start, r.end))];
      const nodes = await this.store.nodesFor(ids, { fresh: true, on: client });
      const root = size === 0 ? emptyRoot() : rangeHash(0, size, nodes);
      if (last) {
        const lastRoot = decodeBase64Strict(last.root) as Uint8Array;
        const proof = consistencyProof(last.size, size, nodes);
        const consistent = verifyConsistency(last.size, size, lastRoot, root, proof);
        if (!consistent.ok) {
          this.#refuse(
            `the tree of ${size} leaves is not consistent with the signed checkpoint of size ${last.size} (${consistent.reason}): the stored log was changed`,
          );
        }
      }
      const note = signNote(formatCheckpoint({ origin, size, root }), this.signer);
      await this.store.saveCheckpoint(client, size, root, note, new Date().toISOString());
      return { checkpoint: (await this.store.latestCheckpoint(origin, client)) as SignedCheckpoint, fresh: true };
    });
    if (signed.fresh) this.#lastSignedAt = Date.now();
    return signed.checkpoint;
  }

  #refuse(message: string): never {
    this.#refusal = new InconsistentLogError(`refusing to sign: ${message}`);
    this.options.logger.error({ reason: message }, "transparency log: refusing to sign a checkpoint");
    throw this.#refusal;
  }

  /** Stops the timers and waits for a signature under way. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
    await this.#signing?.catch(() => undefined);
  }
}
