/**
 * The schema migrator port: materialises migrated artifacts and reports on stored
 * schema versions. The schema-migrations plugin binds it; the HTTP routes, the
 * `rmos schemas` commands and the artifact migration contract kit all drive it.
 *
 * Materialising never touches an artifact's file: the migrated artifact is written as
 * a new write-once sidecar record beside it, named {@link materialisedSidecarName}
 * (`<run_id>_schema_<version>.json` in the embedded store), carrying the original
 * content in the new version plus `migration_history[]` entries that tie it to the
 * original by checksum. A re-run finds the record and writes nothing.
 */
import { token } from "../token.js";
import type { ProgressFn } from "./run_store.js";

/** Options of a materialisation. */
export interface MigrateOptions {
  /** The version to bring artifacts to (default: the current version). */
  readonly targetVersion?: string | undefined;
  /** Plan and report, write nothing. */
  readonly dryRun?: boolean | undefined;
  /** Only this run (default: every stored run). */
  readonly runId?: string | undefined;
  /** Called after each run with how many are done of how many. */
  readonly onProgress?: ProgressFn | undefined;
  /** The principal running the migration, recorded in each history entry as `applied_by`. */
  readonly operator?: string | undefined;
}

/** One run that could not be migrated, and why. */
export interface MigrationFailure {
  readonly run_id: string;
  readonly error: string;
}

/** What a materialisation did (or, in a dry run, would do). */
export interface MigrationReport {
  readonly dry_run: boolean;
  readonly target_version: string;
  /** Runs looked at. */
  readonly total: number;
  /** Records written by this call (0 in a dry run). */
  readonly migrated: number;
  /** Records this call would write (equals `migrated` outside a dry run). */
  readonly would_migrate: number;
  /** Runs stored in the target version already: nothing to do. */
  readonly already_current: number;
  /** Runs whose record for the target version was written before: nothing to do. */
  readonly already_migrated: number;
  readonly failed: MigrationFailure[];
}

/** The schema versions the installation knows and holds. */
export interface VersionsReport {
  readonly current: string;
  readonly known: string[];
  /** stored schema_version → number of runs stored in it */
  readonly distribution: Record<string, number>;
  readonly migrations: Array<{ from: string; to: string; description: string }>;
}

export interface SchemaMigrator {
  /** The versions report. */
  versions(): Promise<VersionsReport>;
  /** Materialises (or plans, in a dry run) migrated records; throws UnknownTargetVersionError, UnknownRunError. */
  migrate(options?: MigrateOptions): Promise<MigrationReport>;
}

/** The target version is not one the registry knows. */
export class UnknownTargetVersionError extends Error {
  override readonly name = "UnknownTargetVersionError";
  constructor(
    readonly version: string,
    readonly known: readonly string[],
  ) {
    super(`target version ${version} is not a known schema version (known: ${known.join(", ")})`);
  }
}

/** The run named by `runId` is not stored. */
export class UnknownRunError extends Error {
  override readonly name = "UnknownRunError";
  constructor(readonly runId: string) {
    super(`run ${runId} does not exist`);
  }
}

/** The sidecar name of a run's materialised record in `version`. */
export function materialisedSidecarName(version: string): string {
  return `${MATERIALISED_PREFIX}${version}`;
}

/** The prefix of every materialised-record sidecar name. */
export const MATERIALISED_PREFIX = "schema_";

export const SCHEMA_MIGRATOR = token<SchemaMigrator>("SchemaMigrator");
