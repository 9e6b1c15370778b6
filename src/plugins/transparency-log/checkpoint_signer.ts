/**
 * The checkpoint signer. After leaves are appended it signs a new checkpoint at most
 * `intervalMs` later (appends in between share it), and it also looks every
 * `intervalMs` for leaves appended by another process. Before signing it proves, from
 * the stored tree, that the new tree is consistent with the last checkpoint it
 * signed (an RFC 9162 consistency proof, verified); if that fails — the stored tree
 * was rewritten — it refuses to sign, reports why, and keeps refusing.
 */
import type { SignedCheckpoint } from "../../contracts/ports/transparency_log.js";
import { decodeBase64Strict } from "../../contracts/tlog/base64.js";
import { formatCheckpoint } from "../../contracts/tlog/checkpoint.js";
import { consistencyProof } from "../../contracts/tlog/consistency_proof.js";
import { emptyRoot } from "../../contracts/tlog/hashing.js";
import type { NoteSigner } from "../../contracts/tlog/note_keys.js";
import { signNote } from "../../contracts/tlog/signed_note.js";
import { rangeHash } from "../../contracts/tlog/tree_hash.js";
import { verifyConsistency } from "../../contracts/tlog/verify_consistency.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import type { SqliteLogStore } from "./sqlite_log_store.js";

/** Raised when the tree no longer extends the last signed checkpoint. */
export class InconsistentLogError extends Error {
  override readonly name = "InconsistentLogError";
}

export class CheckpointSigner {
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastSignedAt = 0;
  #refusal: InconsistentLogError | undefined;
  #closed = false;

  constructor(
    private readonly store: SqliteLogStore,
    private readonly signer: NoteSigner,
    private readonly options: { intervalMs: number; logger: Logger },
  ) {}

  /** Why the signer refuses to sign, if it does. */
  get refusal(): InconsistentLogError | undefined {
    return this.#refusal;
  }

  /** Starts the periodic check for leaves appended elsewhere. */
  start(): void {
    this.#poll = setInterval(() => this.#signQuietly(), this.options.intervalMs);
    this.#poll.unref();
  }

  /** Leaves were appended: sign within the interval. */
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
    const size = this.store.size();
    if (last && last.size === size) return last;
    if (last && last.size > size) {
      return this.#refuse(`the log has ${size} leaves but checkpoint ${last.size} was signed: leaves were removed`);
    }
    const nodes = this.store.nodes({ fresh: true }); // what is on disk now, not what was cached
    const root = size === 0 ? emptyRoot() : rangeHash(0, size, nodes);
    if (last) {
      const lastRoot = decodeBase64Strict(last.root) as Uint8Array;
      const proof = consistencyProof(last.size, size, nodes);
      const consistent = verifyConsistency(last.size, size, lastRoot, root, proof);
      if (!consistent.ok) {
        return this.#refuse(
          `the tree of ${size} leaves is not consistent with the signed checkpoint of size ${last.size} (${consistent.reason}): the stored log was changed`,
        );
      }
    }
    const note = signNote(formatCheckpoint({ origin, size, root }), this.signer);
    const signedAt = new Date().toISOString();
    this.store.saveCheckpoint(size, root, note, signedAt);
    this.#lastSignedAt = Date.now();
    return this.store.latestCheckpoint(origin) as SignedCheckpoint;
  }

  #refuse(message: string): never {
    this.#refusal = new InconsistentLogError(`refusing to sign: ${message}`);
    this.options.logger.error({ reason: message }, "transparency log: refusing to sign a checkpoint");
    throw this.#refusal;
  }

  /** Stops the timers. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
  }
}
