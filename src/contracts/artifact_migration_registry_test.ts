/**
 * Unit tests of the migration registry: registration rules, breadth-first shortest
 * paths (checked against an all-pairs oracle on random graphs), a missing path as a
 * clear error, cycles, version families, version ordering, and `migrate` — which
 * applies a path on a frozen copy and refuses steps that break the run_id or hash
 * invariants or fail their validations.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ArtifactMigrationRegistry as MigrationRegistry } from "./artifact_migration_registry.js";
import {
  type ArtifactMigration,
  compareVersions,
  MigrationStepError,
  NoMigrationPathError,
  versionMatches,
} from "./ports/migration_registry.js";
import type { StoredArtifact } from "./ports/run_store.js";

const HASH = "a".repeat(64);

function artifact(version: string, extra: Record<string, unknown> = {}): StoredArtifact {
  return {
    schema_version: version,
    run_id: "run_01JN0000000000000000000001",
    created_at_utc: "2026-03-01T08:00:00.000Z",
    hashes: { feasibility_sha256: HASH },
    decision: { risk_level: "GREEN" },
    ...extra,
  };
}

/** A step that sets the version and records it in `trail`. */
function step(from: string, to: string, overrides: Partial<ArtifactMigration> = {}): ArtifactMigration {
  return {
    from,
    to,
    description: `${from} → ${to}`,
    transform: (a) => ({ ...a, schema_version: to, trail: [...((a.trail as string[]) ?? []), `${from}>${to}`] }),
    validateBefore() {},
    validateAfter() {},
    examples: () => [artifact(from)],
    ...overrides,
  };
}

function registryOf(...steps: ArtifactMigration[]): MigrationRegistry {
  const r = new MigrationRegistry("2.0.0");
  for (const s of steps) r.register(s);
  return r;
}

const hops = (r: MigrationRegistry, from: string, to: string) => r.path(from, to).map((m) => `${m.from}>${m.to}`);

describe("MigrationRegistry.path (breadth-first)", () => {
  test("takes the shortest chain when a longer one exists", () => {
    const r = registryOf(
      step("1.0.0", "1.1.0"),
      step("1.1.0", "1.2.0"),
      step("1.2.0", "2.0.0"),
      step("1.1.0", "2.0.0"),
    );
    assert.deepEqual(hops(r, "1.0.0", "2.0.0"), ["1.0.0>1.1.0", "1.1.0>2.0.0"]);
    assert.deepEqual(hops(r, "1.2.0", "2.0.0"), ["1.2.0>2.0.0"]);
  });

  test("is empty between equal versions", () => {
    assert.deepEqual(registryOf(step("1.0.0", "2.0.0")).path("2.0.0", "2.0.0"), []);
  });

  test("a missing path is a NoMigrationPathError naming both versions", () => {
    const r = registryOf(step("1.0.0", "2.0.0"));
    assert.throws(
      () => r.path("2.0.0", "1.0.0"),
      (e: unknown) =>
        e instanceof NoMigrationPathError &&
        e.from === "2.0.0" &&
        e.to === "1.0.0" &&
        /2\.0\.0.*1\.0\.0/.test(e.message),
    );
    assert.throws(() => r.path("0.1.0", "2.0.0"), /no migration path from schema version 0\.1\.0 to 2\.0\.0/);
  });

  test("terminates on cycles and still finds paths through them", () => {
    const r = registryOf(
      step("1.0.0", "1.1.0"),
      step("1.1.0", "1.0.0"),
      step("1.1.0", "1.2.0"),
      step("1.2.0", "1.0.0"),
    );
    assert.deepEqual(hops(r, "1.0.0", "1.2.0"), ["1.0.0>1.1.0", "1.1.0>1.2.0"]);
    assert.deepEqual(hops(r, "1.2.0", "1.1.0"), ["1.2.0>1.0.0", "1.0.0>1.1.0"]);
    assert.throws(() => r.path("1.0.0", "3.0.0"), NoMigrationPathError);
  });

  test("a family step (1.x) serves every member; an exact step is preferred", () => {
    const r = registryOf(step("1.x", "2.0.0"), step("1.5", "2.0.0"));
    assert.deepEqual(hops(r, "1.2.3", "2.0.0"), ["1.x>2.0.0"]);
    assert.deepEqual(hops(r, "1", "2.0.0"), ["1.x>2.0.0"]);
    assert.deepEqual(hops(r, "1.5", "2.0.0"), ["1.5>2.0.0"]);
    assert.throws(() => r.path("10.0.0", "2.0.0"), NoMigrationPathError);
    assert.equal(versionMatches("1.x", "11.0"), false);
    assert.equal(versionMatches("2.1.x", "2.1.7"), true);
  });

  test("is as short as the all-pairs shortest path, on random graphs", () => {
    const versions = ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "2.0.0"];
    const edge = fc.tuple(fc.nat(versions.length - 1), fc.nat(versions.length - 1)).filter(([a, b]) => a !== b);
    fc.assert(
      fc.property(
        fc.uniqueArray(edge, { selector: ([a, b]) => `${a}-${b}`, maxLength: 14 }),
        fc.nat(5),
        fc.nat(5),
        (edges, s, t) => {
          const r = registryOf(...edges.map(([a, b]) => step(versions[a] as string, versions[b] as string)));
          const n = versions.length;
          const d = Array.from({ length: n }, (_, i) =>
            Array.from({ length: n }, (_, j) => (i === j ? 0 : Number.POSITIVE_INFINITY)),
          );
          for (const [a, b] of edges) (d[a] as number[])[b] = 1;
          for (let k = 0; k < n; k++)
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) {
                const via = (d[i]?.[k] as number) + (d[k]?.[j] as number);
                if (via < (d[i]?.[j] as number)) (d[i] as number[])[j] = via;
              }
          const expected = d[s]?.[t] as number;
          const from = versions[s] as string;
          const to = versions[t] as string;
          if (expected === Number.POSITIVE_INFINITY) {
            assert.throws(() => r.path(from, to), NoMigrationPathError);
            return;
          }
          const path = r.path(from, to);
          assert.equal(path.length, expected);
          let at = from;
          for (const m of path) {
            assert.equal(m.from, at, "the steps chain");
            at = m.to;
          }
          assert.equal(at, to);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("MigrationRegistry.register and knownVersions", () => {
  test("refuses malformed versions, a family as target, a step onto itself and duplicates", () => {
    const r = registryOf(step("1.0.0", "2.0.0"));
    assert.throws(() => r.register(step("1.0.0", "2.0.0")), /already registered/);
    assert.throws(() => r.register(step("../x", "2.0.0")), /not a schema version/);
    assert.throws(() => r.register(step("1.0.0", "3.x")), /not an exact schema version/);
    assert.throws(() => r.register(step("2.0.0", "2.0.0")), /its own version/);
    assert.throws(() => r.register(step("2.x", "2.1.0")), /its own version/);
    assert.equal(r.list().length, 1);
  });

  test("knownVersions lists the current version and every step's versions, in version order", () => {
    const r = registryOf(
      step("1.x", "2.0.0"),
      step("2.0.0", "10.0.0"),
      step("0.9.0", "2.0.0"),
      step("2.0.0", "2.1.0-beta.1"),
    );
    assert.deepEqual(r.knownVersions(), ["0.9.0", "1.x", "2.0.0", "2.1.0-beta.1", "10.0.0"]);
    assert.equal(r.isKnown("1.7"), true);
    assert.equal(r.isKnown("3.0.0"), false);
    assert.deepEqual(new MigrationRegistry().knownVersions(), ["2.0.0"]);
  });

  test("compareVersions is a consistent order", () => {
    const version = fc
      .tuple(
        fc.nat(12),
        fc.nat(12),
        fc.nat(12),
        fc.option(fc.constantFrom("alpha", "beta.1", "rc.2"), { nil: undefined }),
      )
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}`);
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        // Antisymmetric (sum of signs, so that 0 and -0 are not told apart) and reflexive.
        assert.equal(Math.sign(compareVersions(a, b)) + Math.sign(compareVersions(b, a)), 0);
        assert.equal(compareVersions(a, a), 0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) assert.ok(compareVersions(a, c) <= 0);
      }),
      { numRuns: 300 },
    );
    assert.ok(compareVersions("2.10.0", "2.9.0") > 0);
    assert.ok(compareVersions("2.1.0-rc.1", "2.1.0") < 0);
    assert.equal(compareVersions("2.3.0", "2.3.0"), 0, "the counterexample CI once found (0 vs -0)");
  });
});

describe("MigrationRegistry.migrate", () => {
  test("applies the path on a copy and answers every step with its input and output", () => {
    const r = registryOf(step("1.x", "3.0.0-pre"), step("3.0.0-pre", "2.0.0"));
    const input = artifact("1.2");
    const snapshot = structuredClone(input);
    const { artifact: out, steps } = r.migrate(input);
    assert.equal(out.schema_version, "2.0.0");
    assert.deepEqual(out.trail, ["1.x>3.0.0-pre", "3.0.0-pre>2.0.0"]);
    assert.deepEqual(
      steps.map((s) => [s.from_version, s.to_version]),
      [
        ["1.2", "3.0.0-pre"],
        ["3.0.0-pre", "2.0.0"],
      ],
    );
    assert.equal(steps[1]?.before, steps[0]?.after, "the steps chain");
    assert.deepEqual(input, snapshot, "the argument is unchanged");
    assert.equal(Object.isFrozen(input), false, "the argument is not frozen either");
  });

  test("an owned artifact is frozen in place, not copied, and migrates the same", () => {
    const r = registryOf(step("1.x", "3.0.0-pre"), step("3.0.0-pre", "2.0.0"));
    const owned = artifact("1.2");
    const copied = r.migrate(artifact("1.2")).artifact;
    const { steps, artifact: out } = r.migrate(owned, "2.0.0", { owned: true });
    assert.equal(steps[0]?.before, owned, "no copy was made");
    assert.ok(Object.isFrozen(owned), "a transform cannot change it");
    assert.deepEqual(out, copied);
  });

  test("an artifact in the target version comes back as it is", () => {
    const a = artifact("2.0.0");
    const outcome = registryOf(step("1.0.0", "2.0.0")).migrate(a);
    assert.equal(outcome.artifact, a);
    assert.equal(outcome.steps.length, 0);
  });

  test("refuses a step that changes run_id, drops or alters a hash, or forgets schema_version", () => {
    const cases: Array<[string, ArtifactMigration["transform"], RegExp]> = [
      [
        "run_id",
        (a) => ({ ...a, schema_version: "2.0.0", run_id: "run_01JN0000000000000000000002" }),
        /run_id changed/,
      ],
      [
        "hash altered",
        (a) => ({ ...a, schema_version: "2.0.0", hashes: { feasibility_sha256: "b".repeat(64) } }),
        /hash \/hashes\/feasibility_sha256/,
      ],
      ["hash dropped", (a) => ({ ...a, schema_version: "2.0.0", hashes: {} }), /not preserved/],
      ["version", (a) => ({ ...a }), /schema_version is "1.0.0", not 2.0.0/],
    ];
    for (const [what, transform, message] of cases) {
      const r = registryOf(step("1.0.0", "2.0.0", { transform }));
      assert.throws(
        () => r.migrate(artifact("1.0.0")),
        (e: unknown) => e instanceof MigrationStepError && e.phase === "invariant" && message.test(e.message),
        what,
      );
    }
  });

  test("a hashMap lets a step move a hash, which must then arrive verbatim", () => {
    const move: ArtifactMigration["transform"] = (a) => {
      const { request_hash, ...rest } = a as Record<string, unknown>;
      return {
        ...rest,
        schema_version: "2.0.0",
        hashes: { feasibility_sha256: request_hash },
      } as unknown as StoredArtifact;
    };
    const v1 = { ...artifact("1.0.0"), hashes: undefined, request_hash: HASH } as unknown as StoredArtifact;
    const good = registryOf(
      step("1.0.0", "2.0.0", { transform: move, hashMap: { "/request_hash": "/hashes/feasibility_sha256" } }),
    );
    assert.equal((good.migrate(v1).artifact.hashes as { feasibility_sha256: string }).feasibility_sha256, HASH);
    const bad = registryOf(
      step("1.0.0", "2.0.0", {
        transform: (a) => ({ ...move(a), hashes: { feasibility_sha256: "c".repeat(64) } }),
        hashMap: { "/request_hash": "/hashes/feasibility_sha256" },
      }),
    );
    assert.throws(() => bad.migrate(v1), /\/request_hash .* is not preserved at \/hashes\/feasibility_sha256/);
  });

  test("a transform that writes to its input fails loudly and leaves the argument alone", () => {
    const r = registryOf(
      step("1.0.0", "2.0.0", {
        transform: (a) => {
          (a as Record<string, unknown>).schema_version = "2.0.0";
          return a;
        },
      }),
    );
    const input = artifact("1.0.0");
    assert.throws(
      () => r.migrate(input),
      (e: unknown) => e instanceof MigrationStepError && e.phase === "transform",
    );
    assert.equal(input.schema_version, "1.0.0");
  });

  test("validateBefore and validateAfter failures name the step and the phase", () => {
    const before = registryOf(
      step("1.0.0", "2.0.0", {
        validateBefore: () => {
          throw new Error("no tool");
        },
      }),
    );
    assert.throws(
      () => before.migrate(artifact("1.0.0")),
      /migration 1\.0\.0 → 2\.0\.0 failed in validateBefore: no tool/,
    );
    const after = registryOf(
      step("1.0.0", "2.0.0", {
        validateAfter: () => {
          throw new Error("bad output");
        },
      }),
    );
    assert.throws(() => after.migrate(artifact("1.0.0")), /failed in validateAfter: bad output/);
    assert.throws(() => after.migrate(artifact("0.1.0")), NoMigrationPathError);
  });
});
