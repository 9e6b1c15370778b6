/**
 * The schema migrator: materialises migrated artifacts as write-once sidecar records
 * and reports on stored versions. No HTTP types here; the routes and the CLI call it.
 *
 * For each run (every stored run, or one): stored in the target version already →
 * `already_current`; a record for the target exists and belongs to this original →
 * `already_migrated`; otherwise the registry migrates a copy, the record (migrated
 * artifact + `migration_history`) is checked — against the current schema when the
 * target is current, and for a sound checksum chain — and written once with
 * `putSidecar(run_id, "schema_<target>")`. A dry run does all of that except the write.
 * A run that cannot be migrated is reported in `failed[]` with its reason and the
 * others go on. The original's bytes are never written to.
 */
import { RunArtifactSchema } from "../../contracts/artifact.js";
import { canonicalize } from "../../contracts/jcs.js";
import { type MigrationRegistry, SCHEMA_VERSION_PATTERN } from "../../contracts/ports/migration_registry.js";
import type { RunStore, StoredRun } from "../../contracts/ports/run_store.js";
import {
  type MigrateOptions,
  type MigrationFailure,
  type MigrationReport,
  type SchemaMigrator,
  UnknownRunError,
  UnknownTargetVersionError,
  type VersionsReport,
  materialisedSidecarName,
} from "../../contracts/ports/schema_migrator.js";
import { materialisedRecord, recordMismatch } from "./history.js";

export interface SchemaMigrationDeps {
  readonly registry: MigrationRegistry;
  readonly store: RunStore;
  /** The clock of `applied_at` (tests pin it). */
  readonly now?: () => Date;
}

type Outcome = "current" | "migrated" | "would_migrate" | "already_migrated" | { error: string };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** When, and by which principal, the records of one migrate call are written. */
interface Applied {
  readonly at: string;
  readonly by?: string;
}

export class SchemaMigrationService implements SchemaMigrator {
  constructor(private readonly deps: SchemaMigrationDeps) {}

  async versions(): Promise<VersionsReport> {
    const { registry } = this.deps;
    const store = this.deps.store;
    return {
      current: registry.current,
      known: registry.knownVersions(),
      distribution: store.versionCounts ? await store.versionCounts() : await countByScan(store),
      migrations: registry.list().map(({ from, to, description }) => ({ from, to, description })),
    };
  }

  async migrate(options: MigrateOptions = {}): Promise<MigrationReport> {
    const { registry } = this.deps;
    const store = this.deps.store;
    const target = options.targetVersion ?? registry.current;
    if (!SCHEMA_VERSION_PATTERN.test(target) || !registry.isKnown(target)) {
      throw new UnknownTargetVersionError(target, registry.knownVersions());
    }
    const dryRun = options.dryRun ?? false;
    const applied: Applied = {
      at: (this.deps.now?.() ?? new Date()).toISOString(),
      ...(options.operator !== undefined ? { by: options.operator } : {}),
    };
    const counts = { total: 0, migrated: 0, would_migrate: 0, already_current: 0, already_migrated: 0 };
    const failed: MigrationFailure[] = [];
    const tally = (runId: string, outcome: Outcome) => {
      counts.total++;
      if (typeof outcome === "object") failed.push({ run_id: runId, error: outcome.error });
      else if (outcome === "current") counts.already_current++;
      else if (outcome === "already_migrated") counts.already_migrated++;
      else {
        counts.would_migrate++;
        if (outcome === "migrated") counts.migrated++;
      }
    };

    if (options.runId !== undefined) {
      let run: StoredRun | undefined;
      try {
        run = await store.get(options.runId, { fresh: true });
      } catch (error) {
        tally(options.runId, { error: messageOf(error) });
      }
      if (run) tally(options.runId, await this.#one(store, run, target, dryRun, applied));
      else if (failed.length === 0) throw new UnknownRunError(options.runId);
      options.onProgress?.(1, 1);
    } else {
      const expected = await store.count();
      for await (const entry of store.scan()) {
        let outcome: Outcome;
        try {
          outcome = await this.#one(store, await entry.read(), target, dryRun, applied);
        } catch (error) {
          outcome = { error: `cannot be read: ${messageOf(error)}` };
        }
        tally(entry.run_id, outcome);
        options.onProgress?.(counts.total, Math.max(expected, counts.total));
      }
    }
    return { dry_run: dryRun, target_version: target, ...counts, failed };
  }

  async #one(store: RunStore, run: StoredRun, target: string, dryRun: boolean, applied: Applied): Promise<Outcome> {
    const original = run.artifact;
    if (original.schema_version === target) return "current";
    const name = materialisedSidecarName(target);
    const existing = await store.getSidecar(original.run_id, name);
    if (existing) return this.#checkExisting(existing, run, target);
    let bytes: Buffer;
    try {
      const outcome = this.deps.registry.migrate(original, target);
      const record = materialisedRecord(outcome, applied.at, applied.by);
      if (target === this.deps.registry.current) {
        const parsed = RunArtifactSchema.safeParse(record);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
          return { error: `the migrated record does not validate as ${target}: ${issues}` };
        }
      }
      const mismatch = recordMismatch(record, original, target);
      if (mismatch) return { error: `the migrated record is unsound: ${mismatch}` };
      bytes = Buffer.from(canonicalize(record), "utf8");
    } catch (error) {
      return { error: messageOf(error) };
    }
    if (dryRun) return "would_migrate";
    let written: { created: boolean; bytes: Buffer };
    try {
      written = await store.putSidecar(original.run_id, name, bytes);
    } catch (error) {
      return { error: `cannot write the materialised record: ${messageOf(error)}` };
    }
    return written.created ? "migrated" : this.#checkExisting(written.bytes, run, target);
  }

  #checkExisting(bytes: Buffer, run: StoredRun, target: string): Outcome {
    let record: unknown;
    try {
      record = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      return { error: `the materialised record for ${target} exists but is not JSON (${messageOf(error)})` };
    }
    const mismatch = recordMismatch(record, run.artifact, target);
    return mismatch
      ? { error: `the materialised record for ${target} exists but does not belong to this artifact: ${mismatch}` }
      : "already_migrated";
  }
}

/** schema_version → count, by reading every run (for stores without an index). */
async function countByScan(store: RunStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const entry of store.scan()) {
    try {
      const version = (await entry.read()).artifact.schema_version;
      out[version] = (out[version] ?? 0) + 1;
    } catch {
      out.unreadable = (out.unreadable ?? 0) + 1;
    }
  }
  return out;
}
