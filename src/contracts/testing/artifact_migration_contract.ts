/**
 * The artifact migration contract kit: the checks every registered migration step must
 * pass, run on the step's own `examples()`. Call `artifactMigrationContract(step,
 * factory)` for one step, or `registeredMigrationContracts(name, factory)` for every
 * step registered in the installation the factory starts. The factory gives a fresh,
 * empty installation (registry, run store, schema migrator); checks that write get
 * their own. Pure checks: the examples are valid inputs; run_id and existing hashes are
 * unchanged (SPEC invariant 6); the transform is pure (does not touch its input, same
 * input → same bytes); every route to a version gives the same result as taking it
 * step by step. Store checks (examples that carry the governance fields): a dry run
 * writes nothing; materialising leaves the original's bytes unchanged and records a
 * sound `migration_history`; a re-run changes nothing; reads answer the current version.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { canonicalSha256 } from "../hashing.js";
import { canonicalize } from "../jcs.js";
import { deepFreeze, preservedHashes, valueAtPointer } from "../artifact_migration_registry.js";
import {
  type ArtifactMigration,
  type MigrationRegistry,
  NoMigrationPathError,
  SCHEMA_VERSION_PATTERN,
  versionMatches,
} from "../ports/migration_registry.js";
import { assertGovernanceFields, type RunStore, type StoredArtifact } from "../ports/run_store.js";
import { materialisedSidecarName, type SchemaMigrator } from "../ports/schema_migrator.js";

/** An installation to check a migration in. */
export interface MigrationHarness {
  readonly registry: MigrationRegistry;
  readonly store: RunStore;
  readonly migrator: SchemaMigrator;
  /** The run as the API answers it (GET /runs/{id}), when the harness serves the API. */
  readonly readRun?: (runId: string) => Promise<StoredArtifact>;
  /** Closes the installation and removes its data. */
  cleanup(): Promise<void>;
}

/** Which step to check: the registered migration with this `from` and `to`. */
export interface MigrationStepRef {
  readonly from: string;
  readonly to: string;
}

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

interface HistoryEntryLike {
  from_version: string;
  to_version: string;
  applied_at: string;
  changes: unknown;
  checksum_before: string;
  checksum_after: string;
}

function stepOf(registry: MigrationRegistry, ref: MigrationStepRef): ArtifactMigration {
  const step = registry.list().find((m) => m.from === ref.from && m.to === ref.to);
  assert.ok(step, `the migration ${ref.from} → ${ref.to} is registered`);
  return step;
}

function canonical(value: unknown): string {
  return canonicalize(value);
}

/** Concrete versions reachable from `from` in the registry (not `from` itself). */
function reachable(registry: MigrationRegistry, from: string): string[] {
  return registry.knownVersions().filter((v) => {
    if (v === from || !SCHEMA_VERSION_PATTERN.test(v)) return false;
    try {
      registry.path(from, v);
      return true;
    } catch (error) {
      if (error instanceof NoMigrationPathError) return false;
      throw error;
    }
  });
}

/** Whether some path leads from the artifact's version to the current one. */
function leadsToCurrent(registry: MigrationRegistry, x: StoredArtifact): boolean {
  try {
    registry.path(x.schema_version, registry.current);
    return true;
  } catch (error) {
    if (error instanceof NoMigrationPathError) return false;
    throw error;
  }
}

/** Registers the contract suite of one migration step. */
export function artifactMigrationContract(ref: MigrationStepRef, factory: () => Promise<MigrationHarness>): void {
  /** One installation for the pure checks of the suite (they write nothing). */
  let shared: MigrationHarness | undefined;
  const withHarness = (fn: (h: MigrationHarness, step: ArtifactMigration) => Promise<void> | void) => async () => {
    shared ??= await factory();
    await fn(shared, stepOf(shared.registry, ref));
  };
  /** The examples the store checks can write (they carry the governance fields). */
  const storable = (step: ArtifactMigration) =>
    step.examples().filter((x) => {
      try {
        assertGovernanceFields(x);
        return true;
      } catch {
        return false; // an example a store refuses is checked by the pure checks only
      }
    });
  type Skippable = { skip(message?: string): void };
  const withStored = (
    fn: (h: MigrationHarness, step: ArtifactMigration, x: StoredArtifact) => Promise<void>,
    precondition?: (h: MigrationHarness, step: ArtifactMigration, xs: StoredArtifact[]) => string | undefined,
  ): ((t: Skippable) => Promise<void>) => {
    return async (t) => {
      const h = await factory();
      try {
        const step = stepOf(h.registry, ref);
        const xs = storable(step);
        if (xs.length === 0) {
          t.skip(`no example of ${step.from} carries the governance fields a store requires`);
          return;
        }
        const unmet = precondition?.(h, step, xs);
        if (unmet) {
          t.skip(unmet);
          return;
        }
        for (const x of xs) {
          await h.store.create(x);
          await fn(h, step, x);
        }
      } finally {
        await h.cleanup();
      }
    };
  };

  describe(`artifact migration contract: ${ref.from} → ${ref.to}`, () => {
    after(async () => {
      await shared?.cleanup();
      shared = undefined;
    });

    test(
      "examples: at least one, of the from version, distinct run ids, accepted by validateBefore",
      withHarness((_h, step) => {
        const xs = step.examples();
        assert.ok(xs.length > 0, "the migration supplies examples()");
        assert.equal(new Set(xs.map((x) => x.run_id)).size, xs.length, "example run ids are distinct");
        for (const x of xs) {
          assert.ok(versionMatches(step.from, x.schema_version), `example ${x.run_id} is of version ${step.from}`);
          assert.doesNotThrow(() => step.validateBefore(structuredClone(x)), `validateBefore accepts ${x.run_id}`);
        }
      }),
    );

    test(
      "the output is in the to version and validateAfter accepts it",
      withHarness((_h, step) => {
        for (const x of step.examples()) {
          const out = step.transform(structuredClone(x));
          assert.equal(out.schema_version, step.to);
          assert.doesNotThrow(() => step.validateAfter(structuredClone(out)), `validateAfter accepts ${x.run_id}`);
        }
      }),
    );

    test(
      "invariant 6 — run_id never changes, not on schema migration",
      withHarness((_h, step) => {
        for (const x of step.examples()) assert.equal(step.transform(structuredClone(x)).run_id, x.run_id);
      }),
    );

    test(
      "invariant 6 — existing hashes are preserved verbatim across migrations",
      withHarness((_h, step) => {
        for (const x of step.examples()) {
          const out = step.transform(structuredClone(x));
          for (const [from, to] of preservedHashes(step, x)) {
            const was = valueAtPointer(x, from);
            if (was !== undefined) assert.equal(valueAtPointer(out, to), was, `${x.run_id}: ${from} → ${to}`);
          }
        }
      }),
    );

    test(
      "the transform is pure: it never modifies its input, and equal input gives identical bytes",
      withHarness((_h, step) => {
        for (const x of step.examples()) {
          const before = canonical(x);
          const frozen = deepFreeze(structuredClone(x));
          let first: StoredArtifact | undefined;
          assert.doesNotThrow(() => {
            first = step.transform(frozen);
          }, "transform accepts a deeply frozen input (it does not write to it)");
          const second = step.transform(structuredClone(x));
          assert.equal(canonical(first), canonical(second), "same input, same output");
          assert.equal(canonical(x), before, "the example is unchanged");
        }
      }),
    );

    test(
      "a composite path gives the same result as step by step, and as any other route",
      withHarness((h, step) => {
        const leadsTo = (from: string, target: string) =>
          from === target || reachable(h.registry, from).includes(target);
        for (const x of step.examples()) {
          const start = x.schema_version;
          const targets = [step.to, ...reachable(h.registry, step.to)].filter((v) => v !== start);
          for (const target of new Set(targets)) {
            const composite = canonical(h.registry.migrate(x, target).artifact);
            let stepwise: StoredArtifact = x;
            for (const hop of h.registry.path(start, target)) stepwise = h.registry.migrate(stepwise, hop.to).artifact;
            assert.equal(canonical(stepwise), composite, `${x.run_id}: ${start} → ${target} one hop at a time`);
            // Every other first step that can still reach the target must arrive at the same artifact.
            for (const first of h.registry.list()) {
              if (!versionMatches(first.from, start) || !leadsTo(first.to, target)) continue;
              const route = h.registry.migrate(first.transform(structuredClone(x)), target).artifact;
              assert.equal(
                canonical(route),
                composite,
                `${x.run_id}: ${start} → ${target} starting with ${first.from} → ${first.to}`,
              );
            }
          }
        }
      }),
    );

    test(
      "a dry run writes nothing and reports what it would do",
      withStored(async (h, step, x) => {
        const bytes = (await h.store.get(x.run_id, { fresh: true }))?.bytes;
        const sidecars = await h.store.listSidecars(x.run_id, "");
        const report = await h.migrator.migrate({ targetVersion: step.to, dryRun: true, runId: x.run_id });
        assert.equal(report.dry_run, true);
        assert.equal(report.would_migrate, 1, JSON.stringify(report.failed));
        assert.equal(report.migrated, 0);
        assert.deepEqual(await h.store.listSidecars(x.run_id, ""), sidecars, "no record written");
        assert.ok((await h.store.get(x.run_id, { fresh: true }))?.bytes.equals(bytes as Buffer), "original intact");
      }),
    );

    test(
      "invariant 3 — materialising writes a new record beside the original, whose bytes never change",
      withStored(async (h, step, x) => {
        const before = await h.store.get(x.run_id, { fresh: true });
        assert.ok(before);
        const report = await h.migrator.migrate({ targetVersion: step.to, runId: x.run_id });
        assert.equal(report.migrated, 1, JSON.stringify(report.failed));
        const after = await h.store.get(x.run_id, { fresh: true });
        assert.ok(after, "the original is still stored");
        assert.ok(after.bytes.equals(before.bytes), "the original's bytes are unchanged");
        assert.equal(after.sha256, before.sha256);
        assert.ok(await h.store.getSidecar(x.run_id, materialisedSidecarName(step.to)), "the record exists");
      }),
    );

    test(
      "the record carries a sound migration_history and equals the lazy migration",
      withStored(async (h, step, x) => {
        await h.migrator.migrate({ targetVersion: step.to, runId: x.run_id });
        const original = (await h.store.get(x.run_id, { fresh: true }))?.artifact as StoredArtifact;
        const bytes = await h.store.getSidecar(x.run_id, materialisedSidecarName(step.to));
        assert.ok(bytes);
        const record = JSON.parse(bytes.toString("utf8")) as StoredArtifact;
        assert.equal(record.run_id, x.run_id);
        assert.equal(record.schema_version, step.to);
        const prior = Array.isArray(original.migration_history) ? original.migration_history.length : 0;
        const history = record.migration_history as HistoryEntryLike[];
        assert.ok(Array.isArray(history) && history.length > prior, "new history entries");
        const added = history.slice(prior);
        assert.equal(added[0]?.from_version, original.schema_version);
        assert.equal(added.at(-1)?.to_version, step.to);
        assert.equal(added[0]?.checksum_before, canonicalSha256(original), "the chain starts at the original");
        for (const [i, e] of added.entries()) {
          assert.match(e.applied_at, UTC, "applied_at is UTC");
          assert.ok(Array.isArray(e.changes) && e.changes.every((c) => typeof c === "string"), "changes[] of text");
          assert.ok((e.changes as string[]).length > 0, "changes[] says what changed");
          if (i > 0) assert.equal(e.checksum_before, added[i - 1]?.checksum_after, "the chain links");
        }
        const content: Record<string, unknown> = { ...record };
        if (Array.isArray(original.migration_history)) content.migration_history = history.slice(0, prior);
        else delete content.migration_history;
        assert.equal(canonicalSha256(content), added.at(-1)?.checksum_after, "the chain ends at the record's content");
        assert.equal(
          canonical(content),
          canonical(h.registry.migrate(original, step.to).artifact),
          "record = lazy migration",
        );
      }),
    );

    test(
      "materialising again changes nothing (idempotent)",
      withStored(async (h, step, x) => {
        await h.migrator.migrate({ targetVersion: step.to, runId: x.run_id });
        const name = materialisedSidecarName(step.to);
        const record = await h.store.getSidecar(x.run_id, name);
        const original = (await h.store.get(x.run_id, { fresh: true }))?.bytes;
        const again = await h.migrator.migrate({ targetVersion: step.to, runId: x.run_id });
        assert.equal(again.migrated, 0);
        assert.equal(again.already_migrated, 1, JSON.stringify(again.failed));
        assert.ok((await h.store.getSidecar(x.run_id, name))?.equals(record as Buffer), "the record is unchanged");
        assert.ok((await h.store.get(x.run_id, { fresh: true }))?.bytes.equals(original as Buffer), "original intact");
      }),
    );

    test(
      "reads answer the current schema version (lazy migration)",
      withStored(
        async (h, _step, x) => {
          if (!leadsToCurrent(h.registry, x)) return; // checked on the examples that can reach it (see precondition)
          const answer = await (h.readRun as NonNullable<MigrationHarness["readRun"]>)(x.run_id);
          assert.equal(answer.schema_version, h.registry.current);
          assert.equal(answer.run_id, x.run_id);
          assert.equal(canonical(answer), canonical(h.registry.migrate(x, h.registry.current).artifact));
        },
        (h, _step, xs) => {
          if (!h.readRun) return "the harness does not serve reads";
          if (!xs.some((x) => leadsToCurrent(h.registry, x)))
            return `no example's version leads to ${h.registry.current}`;
          return undefined;
        },
      ),
    );
  });
}

/**
 * Registers the contract suite of every step registered in the installation `factory`
 * starts (enumerated from a first installation), plus a check of the registry itself.
 */
export function registeredMigrationContracts(name: string, factory: () => Promise<MigrationHarness>): void {
  describe(`artifact migrations registered in ${name}`, async () => {
    const h = await factory();
    let steps: MigrationStepRef[];
    let known: string[];
    let current: string;
    try {
      steps = h.registry.list().map(({ from, to }) => ({ from, to }));
      known = h.registry.knownVersions();
      current = h.registry.current;
    } finally {
      await h.cleanup();
    }
    test("the registry knows its current version and every version its steps read and write", () => {
      assert.ok(known.includes(current), `${current} is known`);
      for (const s of steps) assert.ok(known.includes(s.from) && known.includes(s.to), `${s.from} → ${s.to} known`);
    });
    for (const step of steps) artifactMigrationContract(step, factory);
  });
}
