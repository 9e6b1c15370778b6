/**
 * Reconciling stored records with the transparency log, for `rmos verify`: every
 * record a plugin holds is compared with the log's leaf of the same (type, id). A
 * record whose sha256 differs from its leaf was edited behind the service's back; a
 * record with no leaf was inserted behind its back (or is a crash's unfinished step,
 * which the owning plugin re-appends at start); a leaf of a checked type with no
 * record names a record that was deleted. The log is read once, as a stream.
 */
import type { TransparencyLog } from "./ports/transparency_log.js";
import type { LeafType } from "./tlog/leaf.js";

/** A record as its plugin stores it: what its leaf must say. */
export interface RecordDigest {
  readonly type: LeafType;
  readonly id: string;
  /** hex SHA-256 of the record's stored canonical bytes, computed now */
  readonly sha256: string;
}

/** What reconciling found. */
export interface ReconcileReport {
  readonly ok: boolean;
  readonly records: number;
  readonly leaves: number;
  /** records whose bytes no longer hash to their leaf's sha256 */
  readonly edited: Array<{ type: LeafType; id: string; leaf_index: number; log_sha256: string; record_sha256: string }>;
  /** records the log does not hold */
  readonly notInLog: Array<{ type: LeafType; id: string; sha256: string }>;
  /** leaves (of the checked types) whose record is gone */
  readonly deleted: Array<{ type: LeafType; id: string; leaf_index: number }>;
}

/**
 * Compares `records` (all the stored records of `types`) with the log. Each list
 * holds at most `limit` entries (default 1 000); `ok` counts them all.
 */
export async function reconcileWithLog(
  log: TransparencyLog,
  records: AsyncIterable<RecordDigest> | Iterable<RecordDigest>,
  options: { types: readonly LeafType[]; limit?: number },
): Promise<ReconcileReport> {
  const limit = options.limit ?? 1000;
  const types = new Set(options.types);
  const key = (type: string, id: string) => `${type}\u0000${id}`;
  const byKey = new Map<string, { leaf_index: number; sha256: string; seen: boolean }>();
  let leaves = 0;
  for await (const { leaf_index, leaf } of log.leaves()) {
    if (!types.has(leaf.type)) continue;
    leaves++;
    byKey.set(key(leaf.type, leaf.id), { leaf_index, sha256: leaf.sha256, seen: false });
  }
  const edited: ReconcileReport["edited"] = [];
  const notInLog: ReconcileReport["notInLog"] = [];
  const deleted: ReconcileReport["deleted"] = [];
  let problems = 0;
  let count = 0;
  for await (const record of records) {
    count++;
    const entry = byKey.get(key(record.type, record.id));
    if (!entry) {
      problems++;
      if (notInLog.length < limit) notInLog.push({ type: record.type, id: record.id, sha256: record.sha256 });
      continue;
    }
    entry.seen = true;
    if (entry.sha256 !== record.sha256) {
      problems++;
      if (edited.length < limit) {
        edited.push({
          type: record.type,
          id: record.id,
          leaf_index: entry.leaf_index,
          log_sha256: entry.sha256,
          record_sha256: record.sha256,
        });
      }
    }
  }
  for (const [k, entry] of byKey) {
    if (entry.seen) continue;
    problems++;
    if (deleted.length < limit) {
      const [type, id] = k.split("\u0000") as [LeafType, string];
      deleted.push({ type, id, leaf_index: entry.leaf_index });
    }
  }
  return { ok: problems === 0, records: count, leaves, edited, notInLog, deleted };
}
