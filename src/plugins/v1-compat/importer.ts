/**
 * The v1 import (`rmos v1 migrate`): every record of a v1 `runs.json` becomes a
 * date-partitioned, write-once 2.0.0 artifact under its original id — or is kept aside
 * with its reason. The order of work makes it safe to interrupt at any point (kill -9)
 * and to re-run: (1) the runs.json is backed up, durably, before anything else, and the
 * import reads the backup; (2) a start record fixes the import time for that runs.json;
 * (3) records are streamed (one at a time is parsed; a few are in flight), and for each:
 * a run already stored from the very same bytes is "already present" (a re-run imports
 * nothing twice), otherwise the record is converted through the schema registry's
 * "1.x" → "2.0.0" step, its attachment blobs are copied into the blob store and
 * re-verified, and only then is the artifact written with `RUN_STORE.create` — the
 * commit point: a run is counted as imported only once its create has returned, which
 * is once its file is durable (the records in flight write their files in groups made
 * durable together, see kernel/fs/group_sync.ts) and indexed. A record that cannot be
 * imported (not JSON, not an object, a key that is not a v1 id, a duplicate key, no
 * feasibility, a run with its id stored from other bytes, a converted artifact the
 * 2.0.0 schema refuses) is kept aside with the reason, durably, before it is counted. A dry run does all the reading, converting and hashing, and
 * writes nothing. Imported artifacts go to the run store directly, not through the HTTP
 * service: they were created by v1, and a lost attachment blob must not stop the import
 * of its run (it is flagged instead).
 */
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { sha256Hex } from "../../contracts/hashing.js";
import { LEGACY_RUN_ID_PATTERN } from "../../contracts/ids.js";
import type { BlobStore } from "../../contracts/ports/blob_store.js";
import {
  MigrationStepError,
  type MigrationRegistry,
  NoMigrationPathError,
} from "../../contracts/ports/migration_registry.js";
import { RunAlreadyExistsError, type RunStore, type StoredArtifact } from "../../contracts/ports/run_store.js";
import { GroupSync } from "../../kernel/plugin_api/storage.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { BlobTransfer } from "./blob_transfer.js";
import { DuplicateKeys, isEarlierRecordOfSameFile, isThisRecord } from "./duplicate_keys.js";
import { ImportJournal } from "./import_journal.js";
import { KeptAside } from "./kept_aside.js";
import { type V1Provenance, v1ProvenanceOf, type V1RecordLocation } from "./provenance.js";
import { removeStaleTemps } from "./stale_temps.js";
import { TaskPool } from "./task_pool.js";
import {
  attachmentShas,
  recordRunId,
  toV1Artifact,
  type V1ImportFacts,
  V1RecordError,
  v1ContentHashes,
} from "./v1_artifact.js";
import { V1Backups, digestFile } from "./v1_backups.js";
import { readV1RunsFrom, type V1Entry } from "./v1_stream_reader.js";
import type { V1Object } from "./v1_value.js";

/** The report lists at most this many flagged runs and failures (the counts are always exact). */
export const MAX_LISTED = 10_000;

/**
 * Records in flight at once, unless told otherwise: enough that a group of durable
 * writes (group_sync.ts) holds a few hundred files.
 */
export const DEFAULT_IMPORT_CONCURRENCY = 256;

export interface V1ImporterDeps {
  readonly store: RunStore;
  readonly blobs: BlobStore;
  readonly registry: MigrationRegistry;
  readonly dataDir: string;
  readonly logger?: Logger | undefined;
  /** The clock of the import's start time (tests pin it). */
  readonly now?: () => Date;
}

export interface ImportOptions {
  /** The v1 directory (holding runs.json and attachments/). */
  readonly from: string;
  readonly dryRun?: boolean | undefined;
  /** Records in flight at once (default {@link DEFAULT_IMPORT_CONCURRENCY}). */
  readonly concurrency?: number | undefined;
  /** Called as runs.json is read: bytes read so far of its size. */
  readonly onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** The operator principal running the import (`cli:<name>`), recorded as each run's created_by. */
  readonly operator?: string | undefined;
}

/** A run that raised flags. */
export interface FlaggedRun {
  readonly run_id: string;
  readonly flags: string[];
}

/** A record that was not imported, and why. */
export interface ImportFailure {
  readonly key: string;
  /** Byte offset of the record in runs.json. */
  readonly offset: number;
  readonly reason: string;
  /** Data-relative location of its reason file (null in a dry run). */
  readonly kept_aside: string | null;
}

/** What an import did (in a dry run: would do). */
export interface ImportReport {
  readonly dry_run: boolean;
  readonly from: string;
  readonly runs_json: { readonly path: string; readonly sha256: string; readonly size_bytes: number };
  /** Data-relative location of the backup (null in a dry run). */
  readonly backup: string | null;
  /** The import time every run imported from this runs.json carries. */
  readonly imported_at_utc: string;
  /** Records in runs.json (top-level members read). */
  total: number;
  /** Runs written by this call (in a dry run: that would be written). */
  imported: number;
  /** Runs stored before from the very same record bytes. */
  already_present: number;
  /** Of the imported and already present runs, those with flags. */
  flagged: number;
  /** Of the imported runs, those whose conversion noted something (SPEC mapping rules). */
  noted: number;
  /** Records not imported: kept aside with their reason (in a dry run: that would be). */
  failed: number;
  /** The flagged runs (at most {@link MAX_LISTED}; the kept runs' provenance has them all). */
  flagged_runs: FlaggedRun[];
  /** The failures (at most {@link MAX_LISTED}; every one has its reason file). */
  failures: ImportFailure[];
  /** Whether every record of runs.json was read and accounted for. */
  complete: boolean;
  /** Why the import stopped early. */
  error?: string;
  /** Data-relative location of this report (null in a dry run). */
  report?: string | null;
  duration_ms: number;
}

type Outcome =
  | {
      readonly kind: "imported" | "already_present";
      readonly runId: string;
      readonly flags: string[];
      readonly noted: boolean;
      /** Whether the store now holds a run imported from exactly this record (see duplicate_keys.ts). */
      readonly shownByStore: boolean;
    }
  | { readonly kind: "kept_aside"; readonly failure: ImportFailure };

interface ImportRun {
  readonly dryRun: boolean;
  readonly runsJsonSha256: string;
  readonly importedAt: string;
  readonly operator: string | undefined;
  readonly transfer: BlobTransfer;
}

/** Reads a file as a stream of chunks, telling `onBytes` how much has been read. */
async function* chunksOf(file: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class V1Importer {
  readonly backups: V1Backups;
  readonly keptAside: KeptAside;
  readonly journal: ImportJournal;

  constructor(private readonly deps: V1ImporterDeps) {
    this.backups = new V1Backups(deps.dataDir);
    this.keptAside = new KeptAside(deps.dataDir);
    this.journal = new ImportJournal(deps.dataDir);
  }

  /** Imports (or, in a dry run, plans the import of) the v1 store at `options.from`. */
  async migrate(options: ImportOptions): Promise<ImportReport> {
    const started = Date.now();
    const dryRun = options.dryRun ?? false;
    const from = path.resolve(options.from);
    const runsJson = path.join(from, "runs.json");
    const now = (this.deps.now ?? (() => new Date()))().toISOString();

    let source: string;
    let digest: { sha256: string; size_bytes: number };
    let backup: string | null = null;
    let importedAt = now;
    if (dryRun) {
      digest = await digestFile(runsJson);
      source = runsJson;
    } else {
      for (const dir of this.journal.tempDirs()) await removeStaleTemps(dir);
      const made = await this.backups.backup(runsJson);
      digest = made;
      backup = made.location;
      source = this.backups.pathOf(made.sha256);
      const start = await this.journal.begin({
        runs_json_sha256: made.sha256,
        size_bytes: made.size_bytes,
        from,
        backup: made.location,
        started_at_utc: now,
      });
      importedAt = start.started_at_utc;
    }

    const report: ImportReport = {
      dry_run: dryRun,
      from,
      runs_json: { path: runsJson, sha256: digest.sha256, size_bytes: digest.size_bytes },
      backup,
      imported_at_utc: importedAt,
      total: 0,
      imported: 0,
      already_present: 0,
      flagged: 0,
      noted: 0,
      failed: 0,
      flagged_runs: [],
      failures: [],
      complete: false,
      duration_ms: 0,
    };
    const run: ImportRun = {
      dryRun,
      runsJsonSha256: digest.sha256,
      importedAt,
      operator: options.operator,
      transfer: new BlobTransfer(from, this.deps.blobs),
    };
    const tally = (outcome: Outcome): void => {
      if (outcome.kind === "kept_aside") {
        report.failed++;
        if (report.failures.length < MAX_LISTED) report.failures.push(outcome.failure);
        return;
      }
      if (outcome.kind === "imported") report.imported++;
      else report.already_present++;
      if (outcome.noted && outcome.kind === "imported") report.noted++;
      if (outcome.flags.length > 0) {
        report.flagged++;
        if (report.flagged_runs.length < MAX_LISTED)
          report.flagged_runs.push({ run_id: outcome.runId, flags: outcome.flags });
      }
    };

    const pool = new TaskPool(options.concurrency ?? DEFAULT_IMPORT_CONCURRENCY);
    const keys = new DuplicateKeys();
    let bytesRead = 0;
    const importAll = async (): Promise<void> => {
      try {
        const entries = readV1RunsFrom(
          chunksOf(source, (n) => {
            bytesRead += n;
            options.onProgress?.(bytesRead, digest.size_bytes);
          }),
        );
        for await (const entry of entries) {
          report.total++;
          const duplicate = keys.metBefore(entry.key);
          if (!duplicate) keys.started(entry.key);
          await pool.run(async () => {
            const outcome = await this.#process(entry, duplicate, run);
            if (!duplicate) keys.settled(entry.key, outcome.kind !== "kept_aside" && outcome.shownByStore);
            tally(outcome);
          });
        }
        await pool.drain();
      } catch (error) {
        await pool.drain().catch(() => {}); // the first failure is the one reported
        throw error;
      }
    };
    try {
      // The records in flight write their blobs and artifacts in groups made durable
      // together (kernel/fs/group_sync.ts): each is still counted only once durable.
      if (dryRun) await importAll();
      else await GroupSync.run(this.deps.dataDir, importAll);
      report.complete = true;
    } catch (error) {
      report.error = messageOf(error);
      this.deps.logger?.error({ err: error }, "the v1 import stopped early");
    }
    report.flagged_runs.sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
    report.failures.sort((a, b) => a.offset - b.offset);
    report.duration_ms = Date.now() - started;
    report.report = dryRun
      ? null
      : await this.journal.writeReport(`migrate-${now.replace(/[:.]/g, "-")}-${process.pid}`, report);
    return report;
  }

  /** Keeps a record aside (not in a dry run) and answers the failure. */
  async #keepAside(entry: V1Entry, reason: string, run: ImportRun): Promise<Outcome> {
    let location: string | null = null;
    if (!run.dryRun) {
      const kept = await this.keptAside.keep(
        {
          key: entry.key,
          offset: entry.offset,
          length: entry.raw.length,
          runs_json_sha256: run.runsJsonSha256,
          reason,
        },
        entry.raw,
      );
      location = kept.location;
    }
    return { kind: "kept_aside", failure: { key: entry.key, offset: entry.offset, reason, kept_aside: location } };
  }

  /**
   * A run with the record's id is stored (`provenance`: its v1 provenance, if any): the
   * same record (already present) or another one (kept aside).
   */
  async #alreadyStored(
    entry: V1Entry,
    recordSha256: string,
    run: ImportRun,
    provenance: V1Provenance | undefined,
  ): Promise<Outcome> {
    if (provenance?.v1_record_sha256 === recordSha256) {
      return {
        kind: "already_present",
        runId: entry.key,
        flags: [...provenance.flags],
        noted: provenance.notes.length > 0,
        shownByStore: isThisRecord(provenance, run.runsJsonSha256, entry.offset),
      };
    }
    const what = provenance
      ? `imported from a different v1 record (sha256 ${provenance.v1_record_sha256}); this record changed after that import, and artifacts are write-once`
      : "not from a v1 import";
    return this.#keepAside(entry, `run ${entry.key} is already stored, ${what}`, run);
  }

  /** The stored artifact of a run the store reported as stored. */
  async #storedArtifact(runId: string): Promise<StoredArtifact> {
    const stored = await this.deps.store.get(runId);
    if (!stored) throw new Error(`run ${runId} was reported as stored but cannot be read`);
    return stored.artifact;
  }

  /**
   * `duplicate`: a record under this key was read before and is still known in memory
   * (duplicate_keys.ts); the others are recognised by the stored run's provenance.
   */
  async #process(entry: V1Entry, duplicate: boolean, run: ImportRun): Promise<Outcome> {
    if (!entry.ok) return this.#keepAside(entry, `the record is not valid JSON: ${entry.error}`, run);
    const keepDuplicateAside = () =>
      this.#keepAside(
        entry,
        `duplicate key ${JSON.stringify(entry.key)} in runs.json: the first record under it was taken; this later one is kept aside for review (Python's json.load would have kept the last)`,
        run,
      );
    if (duplicate) return keepDuplicateAside();
    if (!LEGACY_RUN_ID_PATTERN.test(entry.key)) {
      return this.#keepAside(
        entry,
        `the key ${JSON.stringify(entry.key)} is not a v1 run id (run_ + 12 lowercase hex)`,
        run,
      );
    }
    // A run stored under this key imported from an earlier record of this runs.json:
    // this record is a later one under the same key.
    const storedProvenance = (await this.deps.store.has(entry.key))
      ? v1ProvenanceOf(await this.#storedArtifact(entry.key))
      : null;
    if (storedProvenance && isEarlierRecordOfSameFile(storedProvenance, run.runsJsonSha256, entry.offset)) {
      return keepDuplicateAside();
    }
    const record = entry.value;
    if (!(record instanceof Map)) return this.#keepAside(entry, "the record is not a JSON object", run);
    const recordSha256 = sha256Hex(entry.raw);
    if (storedProvenance !== null) return this.#alreadyStored(entry, recordSha256, run, storedProvenance);

    const location: V1RecordLocation = {
      runs_json_sha256: run.runsJsonSha256,
      offset: entry.offset,
      length: entry.raw.length,
    };
    const hashes = v1ContentHashes(record as V1Object);
    const ownId = recordRunId(record as V1Object);
    const shas = attachmentShas(record as V1Object);
    const presence = await Promise.all(shas.map((sha) => run.transfer.inspect(sha)));
    const facts: V1ImportFacts = {
      record_sha256: recordSha256,
      record_location: location,
      ...(ownId !== entry.key ? { record_run_id: ownId ?? null } : {}),
      ...(hashes.feasibility !== undefined ? { feasibility_v1_sha256: hashes.feasibility } : {}),
      ...(hashes.toolpaths !== undefined ? { toolpaths_v1_sha256: hashes.toolpaths } : {}),
      ...(hashes.errors.length > 0 ? { hash_errors: hashes.errors } : {}),
      missing_blobs: shas.filter((_, i) => presence[i]?.presence === "missing"),
      blobs_already_stored: shas.filter((_, i) => presence[i]?.presence === "elsewhere"),
      imported_at_utc: run.importedAt,
      ...(run.operator !== undefined ? { imported_by: run.operator } : {}),
    };
    let artifact = this.#convert(entry.key, record as V1Object, facts);
    if (typeof artifact === "string") return this.#keepAside(entry, artifact, run);

    const altered: string[] = [];
    for (const [i, sha] of shas.entries()) {
      const found = presence[i];
      if (found?.presence !== "present") continue;
      if ((await run.transfer.transfer(sha, { dryRun: run.dryRun, size: found.size })) === "altered") altered.push(sha);
    }
    if (altered.length > 0) {
      artifact = this.#convert(entry.key, record as V1Object, { ...facts, altered_blobs: altered });
      if (typeof artifact === "string") return this.#keepAside(entry, artifact, run);
    }
    const provenance = v1ProvenanceOf(artifact);
    const imported: Outcome = {
      kind: "imported",
      runId: entry.key,
      flags: [...(provenance?.flags ?? [])],
      noted: (provenance?.notes.length ?? 0) > 0,
      shownByStore: !run.dryRun,
    };
    if (run.dryRun) return imported;
    try {
      await this.deps.store.create(artifact);
    } catch (error) {
      if (error instanceof RunAlreadyExistsError) {
        return this.#alreadyStored(entry, recordSha256, run, v1ProvenanceOf(await this.#storedArtifact(entry.key)));
      }
      throw error;
    }
    return imported;
  }

  /** The record converted to the current version, or the reason it cannot be. */
  #convert(key: string, record: V1Object, facts: V1ImportFacts): StoredArtifact | string {
    try {
      const v1 = toV1Artifact(key, record, facts);
      return this.deps.registry.migrate(v1, this.deps.registry.current, { owned: true }).artifact;
    } catch (error) {
      if (
        error instanceof V1RecordError ||
        error instanceof MigrationStepError ||
        error instanceof NoMigrationPathError
      ) {
        return error.message;
      }
      throw error;
    }
  }

  /** Whether the v1 directory holds a runs.json; throws a readable error when not. */
  static async assertV1Dir(from: string): Promise<void> {
    const runsJson = path.join(path.resolve(from), "runs.json");
    try {
      if (!(await fs.stat(runsJson)).isFile()) throw new Error(`${runsJson} is not a file`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`no runs.json in ${path.resolve(from)}`);
      throw error;
    }
  }
}
