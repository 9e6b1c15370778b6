/**
 * The artifact migration extension point: how stored artifacts move between schema
 * versions without any written byte changing — the port.
 *
 * A plugin contributes an {@link ArtifactMigration} (one step, `from` → `to`, with a
 * pure `transform` and its two validations) to the {@link MigrationRegistry} that the
 * schema-migrations plugin provides under {@link MIGRATION_REGISTRY}: it consumes the
 * token and registers its steps in its own `init`. The registry finds the shortest chain
 * of steps between two versions and applies it, checking after every step what no
 * migration may change: the `run_id`, and every hash the artifact already carried (SPEC
 * invariant 6). A `from` may be a version family such as "1.x" (matching "1", "1.2",
 * "1.2.3", ...); a `to` is always one exact version. The implementation is
 * src/contracts/artifact_migration_registry.ts.
 */
import { token } from "../token.js";
import type { StoredArtifact } from "./run_store.js";

/** One step between two schema versions, contributed by a plugin. */
export interface ArtifactMigration {
  /** The version this step reads: exact ("2.0.0") or a family ("1.x"). */
  readonly from: string;
  /** The exact version this step produces. */
  readonly to: string;
  /** One line saying what the step changes (recorded in `migration_history[].changes`). */
  readonly description: string;
  /**
   * Pure: answers a new artifact in version `to` (with `schema_version: to`), never
   * modifies its argument, and gives equal output for equal input (no clock, no I/O).
   */
  transform(artifact: StoredArtifact): StoredArtifact;
  /** Throws (any Error, with a useful message) when `artifact` is not a valid `from` artifact. */
  validateBefore(artifact: StoredArtifact): void;
  /** Throws when `artifact` is not a valid `to` artifact. */
  validateAfter(artifact: StoredArtifact): void;
  /** Sample artifacts of the `from` version: the inputs the migration contract kit runs on. */
  examples(): StoredArtifact[];
  /**
   * Where each pre-existing hash goes, as JSON Pointers `before → after`, for steps that
   * move hashes (the v1 conversion moves `/request_hash` to `/hashes/feasibility_sha256`).
   * Without it, every member of `hashes` must keep its name and value.
   */
  readonly hashMap?: Readonly<Record<string, string>>;
}

/** One step as applied: its input and output (both plain JSON values). */
export interface AppliedStep {
  readonly migration: ArtifactMigration;
  /** The concrete version the step read. */
  readonly from_version: string;
  readonly to_version: string;
  readonly before: StoredArtifact;
  readonly after: StoredArtifact;
}

/** The result of `migrate`: the artifact in the target version and every step taken. */
export interface MigrationOutcome {
  readonly artifact: StoredArtifact;
  readonly steps: readonly AppliedStep[];
}

/** No chain of registered migrations leads from one version to the other. */
export class NoMigrationPathError extends Error {
  override readonly name = "NoMigrationPathError";
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`no migration path from schema version ${from} to ${to} is registered`);
  }
}

/** A migration step refused an artifact, or broke an invariant no step may break. */
export class MigrationStepError extends Error {
  override readonly name = "MigrationStepError";
  constructor(
    readonly migration: Pick<ArtifactMigration, "from" | "to">,
    readonly phase: "validateBefore" | "transform" | "validateAfter" | "invariant",
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`migration ${migration.from} → ${migration.to} failed in ${phase}: ${reason}`, options);
  }
}

/** A concrete version: numeric dot parts (one to three) and an optional pre-release. */
export const SCHEMA_VERSION_PATTERN = /^\d{1,6}(?:\.\d{1,6}){0,2}(?:-[0-9A-Za-z.]{1,40})?$/;
/** A version family: "1.x", "2.1.x". */
export const SCHEMA_VERSION_FAMILY_PATTERN = /^\d{1,6}(?:\.\d{1,6}){0,1}\.x$/;

/** Whether `version` is matched by `from` (equal, or inside the family `from`). */
export function versionMatches(from: string, version: string): boolean {
  if (from === version) return true;
  if (!SCHEMA_VERSION_FAMILY_PATTERN.test(from)) return false;
  const prefix = from.slice(0, -2);
  return version === prefix || version.startsWith(`${prefix}.`);
}

/** Orders versions numerically part by part; a family sorts after its members, a pre-release before its release. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = "", pre] = v.split(/-(.*)/s, 2);
    return { parts: core.split("."), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const p = x.parts[i] ?? "0";
    const q = y.parts[i] ?? "0";
    if (p === q) continue;
    if (p === "x") return 1;
    if (q === "x") return -1;
    const diff = Number(p) - Number(q);
    if (Number.isFinite(diff) && diff !== 0) return diff;
    if (!Number.isFinite(diff)) return p < q ? -1 : 1;
  }
  if (x.pre === y.pre) return x.parts.length - y.parts.length;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Where plugins add artifact migrations; answers paths and applies them. */
export interface MigrationRegistry {
  /** The version the service writes (and reads answer in). */
  readonly current: string;
  /** Adds a step; refuses malformed versions, a step onto itself, and a second step with the same from and to. */
  register(migration: ArtifactMigration): void;
  /** Every registered step, in registration order. */
  list(): readonly ArtifactMigration[];
  /** The current version and every version or family a step reads or writes, ascending. */
  knownVersions(): string[];
  /** Whether `version` is the current one, an exact version some step produces, or one some step reads. */
  isKnown(version: string): boolean;
  /** The shortest chain of steps from `from` to `to`; throws NoMigrationPathError when none exists. */
  path(from: string, to: string): ArtifactMigration[];
  /**
   * Brings `artifact` to version `to` (default: current), never modifying it (with
   * `owned`, the caller hands it over and it is frozen in place). Throws
   * NoMigrationPathError or MigrationStepError.
   */
  migrate(artifact: StoredArtifact, to?: string, options?: { owned?: boolean }): MigrationOutcome;
}

export const MIGRATION_REGISTRY = token<MigrationRegistry>("MigrationRegistry");
