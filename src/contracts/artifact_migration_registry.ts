/**
 * The artifact migration registry: the implementation of the MigrationRegistry port
 * (src/contracts/ports/migration_registry.ts) and the invariant checks it applies.
 *
 * The registry finds the shortest chain of steps between two versions (breadth-first)
 * and applies it on a copy of the artifact, checking after every step what no migration
 * may change: the `run_id`, and every hash the artifact already carried (SPEC invariant
 * 6). Reading (lazy upcast) and materialising (sidecar records) both go through
 * `migrate`, so a migration is trusted in one place. The migration contract kit uses the
 * same invariant checks.
 */
import { CURRENT_SCHEMA_VERSION } from "./artifact.js";
import { formatPointer, isValidPointer, parsePointer } from "./json_pointer.js";
import {
  type AppliedStep,
  type ArtifactMigration,
  compareVersions,
  type MigrationOutcome,
  type MigrationRegistry,
  MigrationStepError,
  NoMigrationPathError,
  SCHEMA_VERSION_FAMILY_PATTERN,
  SCHEMA_VERSION_PATTERN,
  versionMatches,
} from "./ports/migration_registry.js";
import type { StoredArtifact } from "./ports/run_store.js";

/** The value at a JSON Pointer, or undefined. */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  if (!isValidPointer(pointer)) return undefined;
  let node: unknown = document;
  for (const key of parsePointer(pointer)) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The hash pointers (`before → after`) a step must preserve for this input. */
export function preservedHashes(migration: ArtifactMigration, before: StoredArtifact): Array<[string, string]> {
  if (migration.hashMap) return Object.entries(migration.hashMap);
  const hashes = before.hashes;
  if (typeof hashes !== "object" || hashes === null || Array.isArray(hashes)) return [];
  return Object.keys(hashes).map((k) => {
    const p = formatPointer(["hashes", k]);
    return [p, p];
  });
}

/** The identity and hash invariants of one step; an empty list when they hold. */
export function stepInvariantViolations(
  migration: ArtifactMigration,
  before: StoredArtifact,
  after: StoredArtifact,
): string[] {
  const problems: string[] = [];
  if (typeof after !== "object" || after === null || Array.isArray(after))
    return ["transform did not answer an object"];
  if (after.schema_version !== migration.to) {
    problems.push(`schema_version is ${JSON.stringify(after.schema_version)}, not ${migration.to}`);
  }
  if (after.run_id !== before.run_id) {
    problems.push(`run_id changed from ${before.run_id} to ${String(after.run_id)}`);
  }
  for (const [from, to] of preservedHashes(migration, before)) {
    const was = valueAtPointer(before, from);
    if (was === undefined) continue;
    const now = valueAtPointer(after, to);
    if (now !== was) problems.push(`hash ${from} (${String(was)}) is not preserved at ${to} (found ${String(now)})`);
  }
  return problems;
}

/** Where plugins add artifact migrations; answers paths and applies them. */
export class ArtifactMigrationRegistry implements MigrationRegistry {
  readonly #migrations: ArtifactMigration[] = [];

  /** `current` is the version the service writes (and reads answer in). */
  constructor(readonly current: string = CURRENT_SCHEMA_VERSION) {}

  /** Adds a step; refuses malformed versions, a step onto itself, and a second step with the same from and to. */
  register(migration: ArtifactMigration): void {
    const { from, to } = migration;
    if (!SCHEMA_VERSION_PATTERN.test(from) && !SCHEMA_VERSION_FAMILY_PATTERN.test(from)) {
      throw new Error(`migration from ${JSON.stringify(from)}: not a schema version (e.g. 2.0.0) or family (e.g. 1.x)`);
    }
    if (!SCHEMA_VERSION_PATTERN.test(to)) {
      throw new Error(`migration to ${JSON.stringify(to)}: not an exact schema version (e.g. 2.1.0)`);
    }
    if (versionMatches(from, to)) throw new Error(`migration ${from} → ${to} would lead onto its own version`);
    if (this.#migrations.some((m) => m.from === from && m.to === to)) {
      throw new Error(`a migration ${from} → ${to} is already registered`);
    }
    this.#migrations.push(migration);
  }

  /** Every registered step, in registration order. */
  list(): readonly ArtifactMigration[] {
    return this.#migrations;
  }

  /** The current version and every version or family a step reads or writes, ascending. */
  knownVersions(): string[] {
    const all = new Set([this.current]);
    for (const m of this.#migrations) {
      all.add(m.from);
      all.add(m.to);
    }
    return [...all].sort(compareVersions);
  }

  /** Whether `version` is the current one, an exact version some step produces, or one some step reads. */
  isKnown(version: string): boolean {
    return (
      version === this.current || this.#migrations.some((m) => m.to === version || versionMatches(m.from, version))
    );
  }

  /**
   * The shortest chain of steps from `from` to `to` (breadth-first; among equally short
   * chains, exact `from` matches before families, then registration order). Empty
   * when the versions are equal; throws NoMigrationPathError when none exists.
   */
  path(from: string, to: string): ArtifactMigration[] {
    if (from === to) return [];
    const cameBy = new Map<string, { prev: string; step: ArtifactMigration }>();
    const seen = new Set([from]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const version = queue[head] as string;
      for (const step of this.#edgesFrom(version)) {
        if (seen.has(step.to)) continue;
        seen.add(step.to);
        cameBy.set(step.to, { prev: version, step });
        if (step.to === to) return this.#unwind(cameBy, from, to);
        queue.push(step.to);
      }
    }
    throw new NoMigrationPathError(from, to);
  }

  #edgesFrom(version: string): ArtifactMigration[] {
    const exact = this.#migrations.filter((m) => m.from === version);
    const family = this.#migrations.filter((m) => m.from !== version && versionMatches(m.from, version));
    return [...exact, ...family];
  }

  #unwind(
    cameBy: Map<string, { prev: string; step: ArtifactMigration }>,
    from: string,
    to: string,
  ): ArtifactMigration[] {
    const steps: ArtifactMigration[] = [];
    for (let at = to; at !== from; ) {
      const edge = cameBy.get(at) as { prev: string; step: ArtifactMigration };
      steps.unshift(edge.step);
      at = edge.prev;
    }
    return steps;
  }

  /**
   * Brings `artifact` to version `to` (default: current) along `path`. Works on a deeply
   * frozen copy, so the argument is never modified and a transform that tries to modify
   * its input fails loudly. Each step's input is validated, transformed, checked for the
   * invariants (schema_version set, run_id and hashes preserved) and validated as
   * output. Throws NoMigrationPathError or MigrationStepError. With `owned`, the caller
   * hands the artifact over (it made it and keeps no other reference — the v1 import
   * does): it is frozen in place instead of copied first.
   */
  migrate(artifact: StoredArtifact, to: string = this.current, options: { owned?: boolean } = {}): MigrationOutcome {
    const path = this.path(String(artifact.schema_version), to);
    const steps: AppliedStep[] = [];
    let current = path.length > 0 ? deepFreeze(options.owned ? artifact : structuredClone(artifact)) : artifact;
    for (const migration of path) {
      const before = current;
      const fail = (phase: MigrationStepError["phase"], error: unknown) =>
        new MigrationStepError(migration, phase, error instanceof Error ? error.message : String(error), {
          cause: error,
        });
      try {
        migration.validateBefore(before);
      } catch (error) {
        throw fail("validateBefore", error);
      }
      let after: StoredArtifact;
      try {
        after = deepFreeze(migration.transform(before));
      } catch (error) {
        throw fail("transform", error);
      }
      const violations = stepInvariantViolations(migration, before, after);
      if (violations.length > 0) throw fail("invariant", violations.join("; "));
      try {
        migration.validateAfter(after);
      } catch (error) {
        throw fail("validateAfter", error);
      }
      steps.push({ migration, from_version: before.schema_version, to_version: migration.to, before, after });
      current = after;
    }
    return { artifact: current, steps };
  }
}

/** Freezes a JSON value and everything in it; answers it. */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value === "object" && value !== null && !seen.has(value)) {
    seen.add(value);
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child, seen);
  }
  return value;
}
