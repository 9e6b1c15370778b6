/**
 * Accounting for every record of a v1 `runs.json` (`rmos v1 status` and `rmos v1
 * verify`). A record is accounted for when a run is stored under its key that was
 * imported from exactly its bytes (`provenance.v1_record_sha256` equals the SHA-256 of
 * the record as it is in runs.json now), or when it was kept aside with a reason
 * (its entry id — key and bytes — has a reason file). Anything else is unaccounted: not
 * imported yet, changed in runs.json since it was imported, or stored from elsewhere.
 * `verify` also checks the evidence of every imported record: its bytes are still in the
 * runs.json backup, byte for byte. The runs.json read is the live one (not a backup):
 * the point is to prove that what the v1 store holds now is all in the new one.
 */
import path from "node:path";
import { sha256Hex } from "../../contracts/hashing.js";
import { LEGACY_RUN_ID_PATTERN } from "../../contracts/ids.js";
import { CorruptArtifactError, type RunStore, type StoredRun } from "../../contracts/ports/run_store.js";
import { entryIdOf, type KeptAside } from "./kept_aside.js";
import { v1ProvenanceOf } from "./provenance.js";
import { type V1Backups, V1RecordUnavailableError } from "./v1_backups.js";
import { readV1Runs } from "./v1_stream_reader.js";

/** A record that is not accounted for, and why. */
export interface UnaccountedRecord {
  readonly key: string;
  readonly offset: number;
  readonly reason: string;
}

/** An imported run whose kept v1 bytes are not intact. */
export interface EvidenceFailure {
  readonly run_id: string;
  readonly detail: string;
}

/** Where the records of a runs.json stand. */
export interface AccountingReport {
  readonly from: string;
  readonly runs_json: string;
  /** Records read. */
  total: number;
  /** Stored as runs imported from exactly these bytes. */
  imported: number;
  /** Kept aside with a reason. */
  kept_aside: number;
  /** Neither: not imported (yet), or changed since. */
  unaccounted: number;
  unaccounted_records: UnaccountedRecord[];
  /** Imported runs whose original bytes were checked in their backup (verify only). */
  evidence_checked: number;
  evidence_failures: EvidenceFailure[];
  /** Whether the whole runs.json could be read. */
  complete: boolean;
  error?: string;
  /** verify: complete, nothing unaccounted, all evidence intact. */
  ok: boolean;
}

export interface AccountingDeps {
  readonly store: RunStore;
  readonly keptAside: KeptAside;
  readonly backups: V1Backups;
}

/** Lists at most this many unaccounted records (the count is always exact). */
export const MAX_LISTED = 1000;

/** Accounts for every record of `<from>/runs.json`; `checkEvidence` re-reads each imported record's bytes. */
export async function accountForV1Store(
  deps: AccountingDeps,
  options: { from: string; checkEvidence: boolean; onProgress?: (bytesRead: number) => void },
): Promise<AccountingReport> {
  const from = path.resolve(options.from);
  const runsJson = path.join(from, "runs.json");
  const report: AccountingReport = {
    from,
    runs_json: runsJson,
    total: 0,
    imported: 0,
    kept_aside: 0,
    unaccounted: 0,
    unaccounted_records: [],
    evidence_checked: 0,
    evidence_failures: [],
    complete: false,
    ok: false,
  };
  const unaccounted = (key: string, offset: number, reason: string) => {
    report.unaccounted++;
    if (report.unaccounted_records.length < MAX_LISTED) report.unaccounted_records.push({ key, offset, reason });
  };
  try {
    for await (const entry of readV1Runs(runsJson)) {
      report.total++;
      options.onProgress?.(entry.offset + entry.raw.length);
      const recordSha = sha256Hex(entry.raw);
      let stored: StoredRun | undefined;
      try {
        stored = LEGACY_RUN_ID_PATTERN.test(entry.key) ? await deps.store.get(entry.key) : undefined;
      } catch (error) {
        if (!(error instanceof CorruptArtifactError)) throw error;
        unaccounted(entry.key, entry.offset, `the stored run cannot be read back: ${error.message}`);
        continue;
      }
      const provenance = stored ? v1ProvenanceOf(stored.artifact) : undefined;
      if (entry.ok && provenance?.v1_record_sha256 === recordSha) {
        report.imported++;
        if (options.checkEvidence) {
          report.evidence_checked++;
          try {
            if (!provenance.v1_record_location)
              throw new V1RecordUnavailableError("the run names no location of its v1 bytes");
            await deps.backups.readRecord(provenance.v1_record_location, recordSha);
          } catch (error) {
            if (!(error instanceof V1RecordUnavailableError)) throw error;
            report.evidence_failures.push({ run_id: entry.key, detail: error.message });
          }
        }
        continue;
      }
      if (await deps.keptAside.get(entryIdOf(entry.key, entry.raw))) {
        report.kept_aside++;
        continue;
      }
      if (!stored) unaccounted(entry.key, entry.offset, "not imported and not kept aside");
      else if (provenance) {
        unaccounted(entry.key, entry.offset, "the stored run was imported from other bytes: the record changed since");
      } else unaccounted(entry.key, entry.offset, "a run with this id is stored that was not imported from v1");
    }
    report.complete = true;
  } catch (error) {
    report.error = (error as Error).message;
  }
  report.ok = report.complete && report.unaccounted === 0 && report.evidence_failures.length === 0;
  return report;
}
