/**
 * The materialised record of a migration and its `migration_history[]`.
 *
 * A record is the migrated artifact with one history entry per step appended to the
 * history it already had: `{ from_version, to_version, applied_at, changes[],
 * checksum_before, checksum_after }`. `checksum_before` is the SHA-256 of the step's
 * input as canonical JSON (RFC 8785) and `checksum_after` that of its output, so the
 * entries form a chain: the first `checksum_before` is the SHA-256 of the original's
 * canonical JSON — for the embedded store, exactly the SHA-256 of the original file
 * (its ETag) — each `checksum_after` is the next `checksum_before`, and the last one is
 * the SHA-256 of the record without the new entries (what a lazy read answers).
 * `changes[0]` is the step's description, the rest the members it changed.
 */
import { canonicalSha256 } from "../../contracts/hashing.js";
import type { MigrationOutcome } from "../../contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";
import { describeChanges } from "./changes.js";

/** One `migration_history[]` entry. */
export interface HistoryEntry {
  readonly from_version: string;
  readonly to_version: string;
  readonly applied_at: string;
  readonly changes: string[];
  readonly checksum_before: string;
  readonly checksum_after: string;
  /** The principal that ran the migration (HTTP caller or `cli:` operator), when known. */
  readonly applied_by?: string;
}

function historyOf(artifact: StoredArtifact): HistoryEntry[] {
  return Array.isArray(artifact.migration_history) ? [...(artifact.migration_history as HistoryEntry[])] : [];
}

/** The history entries of an outcome's steps, all applied at `appliedAt` (UTC, RFC 3339) by `appliedBy`. */
export function historyEntries(outcome: MigrationOutcome, appliedAt: string, appliedBy?: string): HistoryEntry[] {
  return outcome.steps.map((step) => ({
    from_version: step.from_version,
    to_version: step.to_version,
    applied_at: appliedAt,
    changes: [step.migration.description, ...describeChanges(step.before, step.after)],
    checksum_before: canonicalSha256(step.before),
    checksum_after: canonicalSha256(step.after),
    ...(appliedBy !== undefined ? { applied_by: appliedBy } : {}),
  }));
}

/** The record to write for an outcome with at least one step. */
export function materialisedRecord(outcome: MigrationOutcome, appliedAt: string, appliedBy?: string): StoredArtifact {
  return {
    ...outcome.artifact,
    migration_history: [...historyOf(outcome.artifact), ...historyEntries(outcome, appliedAt, appliedBy)],
  };
}

/**
 * Why `record` is not a materialised record of `original` in `target`, or undefined
 * when it is: same run_id, the target version, and a history chain that starts at the
 * original's checksum, links step to step, ends at `target`, and whose last checksum
 * is that of the record's own content.
 */
export function recordMismatch(record: unknown, original: StoredArtifact, target: string): string | undefined {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return "not a JSON object";
  const r = record as StoredArtifact;
  if (r.run_id !== original.run_id) return `holds run_id ${String(r.run_id)}`;
  if (r.schema_version !== target) return `holds schema_version ${String(r.schema_version)}`;
  const history = historyOf(r);
  const prior = historyOf(original).length;
  const added = history.slice(prior);
  const first = added[0];
  if (!first) return "has no migration_history entry of its own";
  if (first.checksum_before !== canonicalSha256(original)) {
    return `its history starts at checksum ${first.checksum_before}, not at the original's ${canonicalSha256(original)}`;
  }
  for (let i = 1; i < added.length; i++) {
    if (added[i]?.checksum_before !== added[i - 1]?.checksum_after) return `its history breaks at entry ${prior + i}`;
  }
  const last = added.at(-1) as HistoryEntry;
  if (last.to_version !== target) return `its history ends at ${last.to_version}`;
  const content: Record<string, unknown> = { ...r };
  if (Array.isArray(original.migration_history)) content.migration_history = history.slice(0, prior);
  else delete content.migration_history;
  if (canonicalSha256(content) !== last.checksum_after) return "its content does not match its last checksum_after";
  return undefined;
}
