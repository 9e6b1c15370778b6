/**
 * The transparency log service: the TRANSPARENCY_LOG port over the SQLite store and
 * the checkpoint signer. Appends tell the signer; proofs are planned and checked
 * against the log's size here (a LogRangeError says what is wrong); receipts use the
 * latest signed checkpoint, or answer "pending" with the time to ask again.
 */
import {
  type AppendedLeaf,
  type IndexedLeaf,
  type LogAuditReport,
  LogRangeError,
  type ReceiptAnswer,
  type SignedCheckpoint,
  type TransparencyLog,
} from "../../contracts/ports/transparency_log.js";
import { encodeBase64 } from "../../contracts/tlog/base64.js";
import { consistencyProof } from "../../contracts/tlog/consistency_proof.js";
import { inclusionProof } from "../../contracts/tlog/inclusion_proof.js";
import { type LogLeaf, leafText } from "../../contracts/tlog/leaf.js";
import { type NoteSigner, parseVerifierKey, verifierKeyOf } from "../../contracts/tlog/note_keys.js";
import { GroupCommit } from "../../kernel/plugin_api/storage.js";
import type { CheckpointSigner } from "./checkpoint_signer.js";
import { auditLog } from "./log_audit.js";
import type { SqliteLogStore } from "./sqlite_log_store.js";

/** Leaves read per query when streaming. */
const STREAM_PAGE = 1000;

export class TransparencyLogService implements TransparencyLog {
  readonly origin: string;
  readonly verifierKey: string;
  /**
   * Intents announced during one turn of the event loop share one transaction: each
   * concurrent create paid a commit of its own before (a WAL frame, the locks), about a
   * fifth of a logged create's CPU. Each announcer is answered after its commit.
   */
  readonly #announcing = new GroupCommit<readonly LogLeaf[], void>((groups) => {
    this.store.announce(groups.flat());
    return groups.map(() => undefined);
  });

  constructor(
    private readonly store: SqliteLogStore,
    private readonly signer: CheckpointSigner,
    key: NoteSigner,
    private readonly intervalMs: number,
  ) {
    this.origin = key.name;
    this.verifierKey = verifierKeyOf(key);
  }

  async append(leaves: readonly LogLeaf[]): Promise<AppendedLeaf[]> {
    return this.appendInTransaction(leaves);
  }

  async appendWithClient(): Promise<AppendedLeaf[]> {
    throw new Error(
      "the embedded log appends inside SQLite transactions (appendInTransaction), not on a PostgreSQL client",
    );
  }

  appendInTransaction(leaves: readonly LogLeaf[]): AppendedLeaf[] {
    const results = this.store.append(leaves);
    if (results.some((r) => r.created)) this.signer.appended();
    return results;
  }

  async announce(leaves: readonly LogLeaf[]): Promise<void> {
    for (const leaf of leaves) leafText(leaf); // a bad leaf is refused alone, not with its batch
    await this.#announcing.submit(leaves);
  }

  async announced(type: LogLeaf["type"]): Promise<LogLeaf[]> {
    return this.store.announced(type);
  }

  async forget(type: LogLeaf["type"], ids: readonly string[]): Promise<void> {
    this.store.forget(type, ids);
  }

  async size(): Promise<number> {
    return this.store.size();
  }

  async latestCheckpoint(): Promise<SignedCheckpoint> {
    return this.store.latestCheckpoint(this.origin) ?? this.signer.signNow();
  }

  async audit(onProgress?: (done: number, total: number) => void): Promise<LogAuditReport> {
    const parsed = parseVerifierKey(this.verifierKey);
    if (!parsed.ok) throw new Error(`the log's own verifier key does not parse: ${parsed.reason}`);
    return auditLog(this.store, parsed.verifier, onProgress);
  }

  async signNow(): Promise<SignedCheckpoint> {
    return this.signer.signNow();
  }

  #checkSize(size: number, what: string): void {
    const current = this.store.size();
    if (size > current) throw new LogRangeError(`${what} ${size} is beyond the log's size ${current}`, true);
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    if (index >= size) throw new LogRangeError(`index ${index} is not below the size ${size}`, false);
    this.#checkSize(size, "size");
    return inclusionProof(index, size, this.store.nodes());
  }

  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    if (from > to) throw new LogRangeError(`from ${from} is larger than to ${to}`, false);
    this.#checkSize(to, "to");
    return consistencyProof(from, to, this.store.nodes());
  }

  async indexOf(type: LogLeaf["type"], id: string): Promise<number | undefined> {
    return this.store.find(type, id)?.leaf_index;
  }

  async leafOf(type: LogLeaf["type"], id: string): Promise<IndexedLeaf | undefined> {
    const found = this.store.find(type, id);
    if (!found) return undefined;
    const { leaf_index, ...leaf } = found;
    return { leaf_index, leaf, text: leafText(leaf) };
  }

  async receipt(type: LogLeaf["type"], id: string): Promise<ReceiptAnswer> {
    const found = this.store.find(type, id);
    if (!found) return { status: "unknown" };
    const checkpoint = this.store.latestCheckpoint(this.origin);
    if (!checkpoint || checkpoint.size <= found.leaf_index) {
      return { status: "pending", leaf_index: found.leaf_index, retry_after_ms: this.intervalMs };
    }
    const { leaf_index, ...leaf } = found;
    const proof = inclusionProof(leaf_index, checkpoint.size, this.store.nodes());
    return {
      status: "ok",
      receipt: {
        leaf_index,
        leaf: leafText(leaf),
        inclusion_proof: proof.map(encodeBase64),
        checkpoint: checkpoint.note,
      },
    };
  }

  async *leaves(options: { from?: number; to?: number } = {}): AsyncIterable<IndexedLeaf> {
    const to = options.to ?? this.store.size();
    for (let at = options.from ?? 0; at < to; at += STREAM_PAGE) {
      yield* this.store.leaves(at, Math.min(to, at + STREAM_PAGE));
    }
  }

  /** A served tile's bytes (see SqliteLogStore.tileHashes), or undefined when it does not exist. */
  tile(level: number, index: number, width: number): Uint8Array | undefined {
    return this.store.tileHashes(level, index, width);
  }

  /** A served entry bundle's leaves, or undefined when that bundle does not exist (yet). */
  entries(index: number, width: number): IndexedLeaf[] | undefined {
    const from = index * 256;
    if (from + width > this.store.size()) return undefined;
    return this.store.leaves(from, from + width);
  }
}
