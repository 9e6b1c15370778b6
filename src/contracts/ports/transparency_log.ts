/**
 * The transparency log port: one append-only Merkle log (RFC 9162 hashing, C2SP
 * checkpoints) of every audit-trail record. A plugin that stores a record appends its
 * leaf `{ type, id, sha256, created_at_utc }` in the same durable step: with
 * `appendInTransaction` inside its own SQLite transaction on the kernel's database,
 * with `appendWithClient` inside its own transaction on the kernel's PostgreSQL
 * database (committed or rolled back with its row either way), or with `append` right
 * after an `announce`. Appending is
 * idempotent on (type, id): the same leaf again answers its index; another leaf for
 * an existing (type, id) is a {@link LeafConflictError}. A signer covers new leaves
 * with a signed checkpoint within the configured interval; receipts, proofs and the
 * leaf stream let anyone check a record against the log.
 */
import type { LogLeaf } from "../tlog/leaf.js";
import type { Receipt } from "../tlog/receipt.js";
import { token } from "../token.js";

/** What one appended leaf became. */
export interface AppendedLeaf {
  readonly leaf_index: number;
  /** false when the same leaf was already in the log (an idempotent repeat). */
  readonly created: boolean;
}

/**
 * A PostgreSQL connection inside a transaction the caller opened (a `pg` PoolClient
 * after `BEGIN` satisfies it): `$n` placeholders.
 */
export interface TransactionClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A signed checkpoint as stored. */
export interface SignedCheckpoint {
  readonly origin: string;
  readonly size: number;
  /** base64 root hash */
  readonly root: string;
  /** The signed note text (C2SP tlog-checkpoint + signed-note). */
  readonly note: string;
  readonly signed_at_utc: string;
}

/** The answer of `receipt`. */
export type ReceiptAnswer =
  | { readonly status: "ok"; readonly receipt: Receipt }
  /** In the log, but no signed checkpoint covers it yet: ask again after `retry_after_ms`. */
  | { readonly status: "pending"; readonly leaf_index: number; readonly retry_after_ms: number }
  | { readonly status: "unknown" };

/** One leaf of the log, for verification sweeps. */
export interface IndexedLeaf {
  readonly leaf_index: number;
  readonly leaf: LogLeaf;
  /** The canonical leaf text (what is hashed). */
  readonly text: string;
}

/** One thing wrong with the stored log. */
export interface LogAuditProblem {
  /** leaf_edited, leaf_invalid, leaf_missing, leaves_missing, tile_edited, tile_missing, checkpoint_signature, checkpoint_mismatch, checkpoint_beyond_log, checkpoint_root */
  readonly kind: string;
  readonly leaf_index?: number;
  readonly detail: string;
}

/** The result of auditing the stored log against itself and its signed checkpoints. */
export interface LogAuditReport {
  readonly ok: boolean;
  readonly size: number;
  /** signed checkpoints checked */
  readonly checkpoints: number;
  readonly problem_count: number;
  /** the first 1 000 problems */
  readonly problems: readonly LogAuditProblem[];
}

/** Raised when a (type, id) already in the log is appended with another sha256 or time. */
export class LeafConflictError extends Error {
  override readonly name = "LeafConflictError";
  constructor(
    readonly existing: LogLeaf & { readonly leaf_index: number },
    readonly refused: LogLeaf,
  ) {
    super(
      `the log already holds ${existing.type} ${existing.id} at index ${existing.leaf_index} with sha256 ${existing.sha256} (${existing.created_at_utc}); refusing ${refused.sha256} (${refused.created_at_utc})`,
    );
  }
}

/** Raised for an index or size the log cannot prove (beyond its size, index ≥ size). */
export class LogRangeError extends RangeError {
  override readonly name = "LogRangeError";
  constructor(
    message: string,
    /** true when the request is well formed but the log is not that large (yet) */
    readonly beyondLog: boolean,
  ) {
    super(message);
  }
}

export interface TransparencyLog {
  /** The log's origin (its checkpoints' first line and its key's name). */
  readonly origin: string;
  /** The verifier key `<origin>+<8 hex key id>+<base64(0x01 ‖ public key)>`. */
  readonly verifierKey: string;
  /**
   * Appends leaves durably, in order, in one transaction; resolves once committed.
   * Invalid leaves (see src/contracts/tlog/leaf.ts) are a RangeError; a conflicting
   * repeat a LeafConflictError; in either case nothing of the batch is appended.
   */
  append(leaves: readonly LogLeaf[]): Promise<AppendedLeaf[]>;
  /**
   * The same, synchronously, inside the caller's open transaction on the kernel's
   * SQLite database (DATABASE): the leaves commit or roll back with the caller's rows.
   * Call it from inside `db.transaction(...)`; the signer is told after the call.
   */
  appendInTransaction(leaves: readonly LogLeaf[]): AppendedLeaf[];
  /**
   * The same inside the caller's open transaction on the kernel's PostgreSQL database
   * (`client` after `BEGIN`): the leaves are numbered under the log's sequencer lock,
   * which the transaction then holds until it commits or rolls back with the caller's
   * rows — so take it last, after the record's own statements. SQLite refuses it.
   */
  appendWithClient(client: TransactionClient, leaves: readonly LogLeaf[]): Promise<AppendedLeaf[]>;
  /**
   * Records, durably, the intent to append `leaves` — for a record stored outside the
   * kernel's database (a write-once file): announce, write the record, then `append`
   * (which removes the intent). At start the plugin appends each `announced` leaf whose
   * record is stored with that sha256 and `forget`s the rest; a record that was never
   * announced is never appended at start (it was not written by the service).
   */
  announce(leaves: readonly LogLeaf[]): Promise<void>;
  /** The announced leaves of `type` not yet appended. */
  announced(type: LogLeaf["type"]): Promise<LogLeaf[]>;
  /** Forgets the intents of `type` for `ids`. */
  forget(type: LogLeaf["type"], ids: readonly string[]): Promise<void>;
  /** The number of leaves. */
  size(): Promise<number>;
  /** The latest signed checkpoint (the log signs the empty tree at first start). */
  latestCheckpoint(): Promise<SignedCheckpoint>;
  /** The audit path of leaf `index` in the tree of size `size` (LogRangeError when impossible). */
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>;
  /** The consistency proof between the trees of sizes `from` ≤ `to` (LogRangeError when impossible). */
  consistencyProof(from: number, to: number): Promise<Uint8Array[]>;
  /** The index of the leaf of (type, id), or undefined. */
  indexOf(type: LogLeaf["type"], id: string): Promise<number | undefined>;
  /** The leaf of (type, id) with its index, or undefined. */
  leafOf(type: LogLeaf["type"], id: string): Promise<IndexedLeaf | undefined>;
  /** A receipt for (type, id) against the latest signed checkpoint that covers it. */
  receipt(type: LogLeaf["type"], id: string): Promise<ReceiptAnswer>;
  /** The leaves from index `from` (default 0) below `to` (default: the size), in order. */
  leaves(options?: { from?: number; to?: number }): AsyncIterable<IndexedLeaf>;
  /**
   * Checks the stored log: every leaf hash recomputed from its fields, no index
   * missing, every tile recomputed, every checkpoint's signature and root (for
   * `rmos verify`: the log against its checkpoints).
   */
  audit(onProgress?: (done: number, total: number) => void): Promise<LogAuditReport>;
  /** Signs a checkpoint now if leaves are not yet covered; answers the latest checkpoint. */
  signNow(): Promise<SignedCheckpoint>;
}

export const TRANSPARENCY_LOG = token<TransparencyLog>("TransparencyLog");
