/**
 * The transparency log service on PostgreSQL: the TRANSPARENCY_LOG port over the
 * shared PostgreSQL store and this instance's checkpoint signer. Record stores append
 * inside their own transactions with `appendWithClient`; the others with `append`
 * (after `announce`). Proofs are planned first (the leaf ranges of RFC 9162), their
 * nodes fetched in one round trip, then computed; receipts use the latest checkpoint
 * any instance signed, or answer "pending" with the time to ask again.
 */
import {
  type AppendedLeaf,
  type IndexedLeaf,
  type LogAuditReport,
  LogRangeError,
  type ReceiptAnswer,
  type SignedCheckpoint,
  type TransactionClient,
  type TransparencyLog,
} from "../../contracts/ports/transparency_log.js";
import { encodeBase64 } from "../../contracts/tlog/base64.js";
import { consistencyProof, consistencyProofRanges } from "../../contracts/tlog/consistency_proof.js";
import { inclusionProof, inclusionProofRanges } from "../../contracts/tlog/inclusion_proof.js";
import { type LogLeaf, leafText } from "../../contracts/tlog/leaf.js";
import { type NoteSigner, parseVerifierKey, verifierKeyOf } from "../../contracts/tlog/note_keys.js";
import type { LeafRange } from "../../contracts/tlog/tree_hash.js";
import { nodesOfRange } from "../../contracts/tlog/tree_hash.js";
import { auditLog } from "./log_audit.js";
import type { PostgresCheckpointSigner } from "./postgres_checkpoint_signer.js";
import type { PostgresLogStore } from "./postgres_log_store.js";

/** Leaves read per query when streaming. */
const STREAM_PAGE = 1000;

const nodesOfRanges = (ranges: readonly LeafRange[]) => ranges.flatMap((r) => nodesOfRange(r.start, r.end));

export class PostgresTransparencyLogService implements TransparencyLog {
  readonly origin: string;
  readonly verifierKey: string;

  constructor(
    private readonly store: PostgresLogStore,
    private readonly signer: PostgresCheckpointSigner,
    key: NoteSigner,
    private readonly intervalMs: number,
  ) {
    this.origin = key.name;
    this.verifierKey = verifierKeyOf(key);
  }

  async append(leaves: readonly LogLeaf[]): Promise<AppendedLeaf[]> {
    const results = await this.store.append(leaves);
    if (results.some((r) => r.created)) this.signer.appended();
    return results;
  }

  appendInTransaction(): AppendedLeaf[] {
    throw new Error("the PostgreSQL log appends inside PostgreSQL transactions (appendWithClient), not SQLite ones");
  }

  async appendWithClient(client: TransactionClient, leaves: readonly LogLeaf[]): Promise<AppendedLeaf[]> {
    const results = await this.store.appendWith(client, leaves);
    // Told before the caller commits: the signer signs what is committed when it runs, and polls.
    if (results.some((r) => r.created)) this.signer.appended();
    return results;
  }

  announce(leaves: readonly LogLeaf[]): Promise<void> {
    return this.store.announce(leaves);
  }

  announced(type: LogLeaf["type"]): Promise<LogLeaf[]> {
    return this.store.announced(type);
  }

  forget(type: LogLeaf["type"], ids: readonly string[]): Promise<void> {
    return this.store.forget(type, ids);
  }

  size(): Promise<number> {
    return this.store.size();
  }

  async latestCheckpoint(): Promise<SignedCheckpoint> {
    return (await this.store.latestCheckpoint(this.origin)) ?? this.signer.signNow();
  }

  async audit(onProgress?: (done: number, total: number) => void): Promise<LogAuditReport> {
    const parsed = parseVerifierKey(this.verifierKey);
    if (!parsed.ok) throw new Error(`the log's own verifier key does not parse: ${parsed.reason}`);
    return auditLog(this.store, parsed.verifier, onProgress);
  }

  signNow(): Promise<SignedCheckpoint> {
    return this.signer.signNow();
  }

  async #checkSize(size: number, what: string): Promise<void> {
    if (await this.store.hasSize(size)) return;
    const current = await this.store.size();
    if (size > current) throw new LogRangeError(`${what} ${size} is beyond the log's size ${current}`, true);
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    if (index >= size) throw new LogRangeError(`index ${index} is not below the size ${size}`, false);
    await this.#checkSize(size, "size");
    const ranges = inclusionProofRanges(index, size);
    return inclusionProof(index, size, await this.store.nodesFor(nodesOfRanges(ranges)));
  }

  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    if (from > to) throw new LogRangeError(`from ${from} is larger than to ${to}`, false);
    await this.#checkSize(to, "to");
    const ranges = consistencyProofRanges(from, to);
    return consistencyProof(from, to, await this.store.nodesFor(nodesOfRanges(ranges)));
  }

  async indexOf(type: LogLeaf["type"], id: string): Promise<number | undefined> {
    return (await this.store.find(type, id))?.leaf_index;
  }

  async leafOf(type: LogLeaf["type"], id: string): Promise<IndexedLeaf | undefined> {
    const found = await this.store.find(type, id);
    if (!found) return undefined;
    const { leaf_index, ...leaf } = found;
    return { leaf_index, leaf, text: leafText(leaf) };
  }

  async receipt(type: LogLeaf["type"], id: string): Promise<ReceiptAnswer> {
    const found = await this.store.find(type, id);
    if (!found) return { status: "unknown" };
    const checkpoint = await this.store.latestCheckpoint(this.origin);
    if (!checkpoint || checkpoint.size <= found.leaf_index) {
      return { status: "pending", leaf_index: found.leaf_index, retry_after_ms: this.intervalMs };
    }
    const { leaf_index, ...leaf } = found;
    const proof = await this.inclusionProof(leaf_index, checkpoint.size);
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
    const to = options.to ?? (await this.store.size());
    for (let at = options.from ?? 0; at < to; at += STREAM_PAGE) {
      yield* await this.store.leaves(at, Math.min(to, at + STREAM_PAGE));
    }
  }

  /** A served tile's bytes, or undefined when it does not exist. */
  tile(level: number, index: number, width: number): Promise<Uint8Array | undefined> {
    return this.store.tileHashes(level, index, width);
  }

  /** A served entry bundle's leaves, or undefined when that bundle does not exist (yet). */
  async entries(index: number, width: number): Promise<IndexedLeaf[] | undefined> {
    const from = index * 256;
    if (from + width > (await this.store.size())) return undefined;
    return this.store.leaves(from, from + width);
  }
}
