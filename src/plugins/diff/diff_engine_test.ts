/**
 * Tests of the diff engine. Property tests (fast-check) check the central promise, that
 * applying the returned patch to a gives exactly b, for pairs of artifact-shaped documents
 * (drawn from small pools so that attachments, advisory inputs and warnings overlap and get
 * reordered) and for arbitrary JSON values, and that a document compared with itself gives
 * NONE. Example tests pin down the reported changes: identity matching and moves, the
 * before/after convention, pointer escaping, type changes, long texts and bad input.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { Change, DiffResult } from "./diff_engine.js";
import { DEFAULT_IDENTITY_KEYS, diffArtifacts } from "./diff_engine.js";
import type { JsonPatchOp } from "./json_patch.js";
import { applyPatch } from "./json_patch.js";
import { jsonEqual } from "./json_value.js";
import { maxSeverity } from "./severity.js";

/** JSON round trip: what a client of the HTTP API sees. */
function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Asserts that the patch of `result` turns `a` into `b`, also after a trip through JSON. */
function assertPatchWorks(a: unknown, b: unknown, result: DiffResult): void {
  const patched = applyPatch(a, result.patch);
  assert.ok(jsonEqual(patched, b), "patched a differs from b");
  assert.deepStrictEqual(viaJson(patched), viaJson(b));
  assert.deepStrictEqual(viaJson(applyPatch(viaJson(a), viaJson(result.patch))), viaJson(b));
}

/** Asserts the documented shape of every change and of the overall severity. */
function assertWellFormed(result: DiffResult): void {
  for (const change of result.changes) {
    assert.equal("before" in change, change.op === "remove" || change.op === "replace");
    assert.equal("after" in change, change.op === "add" || change.op === "replace");
    assert.equal("from" in change, change.op === "move");
  }
  assert.equal(result.severity, maxSeverity(...result.changes.map((c) => c.severity)));
  assert.equal(result.changes.length === 0, result.patch.length === 0);
  assert.ok(jsonEqual(viaJson(result.changes), result.changes), "changes survive JSON");
}

const hex64 = fc.string({
  unit: fc.constantFrom(..."0123456789abcdef"),
  minLength: 64,
  maxLength: 64,
});
const poolHash = fc.constantFrom(..."012345".split("").map((c) => c.repeat(64)));
const isoDate = fc
  .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
  .map((d) => d.toISOString());

const attachment = fc.record({
  sha256: poolHash,
  kind: fc.constantFrom("gcode", "image", "report"),
  mime: fc.constantFrom("text/plain", "image/png"),
  filename: fc.constantFrom("a.nc", "b.png", "c.pdf"),
  size_bytes: fc.integer({ min: 0, max: 3 }),
});

const advisoryInput = fc.record(
  {
    advisory_id: fc.constantFrom("adv_A", "adv_B", "adv_C", "adv_D"),
    kind: fc.constantFrom("explanation", "suggestion"),
    engine_id: fc.constantFrom("e1", "e2"),
  },
  { requiredKeys: ["advisory_id", "kind"] },
);

/** Small nested JSON under a few shared keys, so two draws often share structure. */
const nested = fc.dictionary(fc.constantFrom("ok", "checks", "a/b", "~x", "depth"), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
});

/** A document shaped like a SPEC run artifact (schema_version 2.0.0). */
const runArtifact = fc.record(
  {
    schema_version: fc.constant("2.0.0"),
    run_id: fc.constantFrom("run_01HZX0000000000000000000AA", "run_0123456789ab"),
    created_at_utc: isoDate,
    mode: fc.constantFrom("rosette", "toolpath", "feasibility"),
    tool_id: fc.constantFrom("endmill-6mm", "drill-3mm"),
    status: fc.constantFrom("OK", "BLOCKED", "ERROR"),
    request_summary: nested,
    feasibility: nested,
    decision: fc.record(
      {
        risk_level: fc.constantFrom("GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"),
        score: fc.integer({ min: 0, max: 100 }),
        block_reason: fc.constantFrom("too deep", "no tool"),
        warnings: fc.array(fc.constantFrom("w1", "w2", "w3", "w4"), { maxLength: 6 }),
        details: nested,
      },
      { requiredKeys: ["risk_level", "warnings"] },
    ),
    hashes: fc.record(
      { feasibility_sha256: hex64, gcode_sha256: poolHash, toolpaths_sha256: hex64 },
      { requiredKeys: ["feasibility_sha256"] },
    ),
    outputs: fc.record(
      {
        gcode_text: fc.constantFrom("G0 X0\n", "G0 X0\nG1 X1\n", ""),
        toolpaths: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: [] },
    ),
    attachments: fc.uniqueArray(attachment, { selector: (x) => x.sha256, maxLength: 6 }),
    advisory_inputs: fc.uniqueArray(advisoryInput, { selector: (x) => x.advisory_id }),
    meta: nested,
    created_by: fc.constantFrom("anonymous", "alice"),
  },
  { requiredKeys: ["schema_version", "run_id", "status", "decision", "hashes", "attachments"] },
);

describe("diffArtifacts: properties", () => {
  test("the patch turns artifact a into artifact b exactly", () => {
    fc.assert(
      fc.property(runArtifact, runArtifact, (a, b) => {
        const result = diffArtifacts(a, b);
        assertPatchWorks(a, b, result);
        assertWellFormed(result);
      }),
      { numRuns: 500 },
    );
  });

  test("the patch works when b is a reshuffled a", () => {
    fc.assert(
      fc.property(runArtifact, fc.nat(), (a, seed) => {
        const b = structuredClone(a);
        const rotate = <T>(xs: T[]): T[] => xs.map((_, i) => xs[(i + seed) % xs.length] as T);
        b.attachments = rotate(b.attachments).reverse();
        b.decision.warnings = rotate(b.decision.warnings);
        const result = diffArtifacts(a, b);
        assertPatchWorks(a, b, result);
        assert.ok(result.changes.every((c) => c.op === "move" && c.severity === "INFO"));
      }),
      { numRuns: 300 },
    );
  });

  test("the patch turns any JSON value into any other", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const result = diffArtifacts(a, b);
        assertPatchWorks(a, b, result);
        assertWellFormed(result);
      }),
      { numRuns: 500 },
    );
  });

  test("the patch works for arrays compared by identity with duplicates, at any depth", () => {
    const element = fc.oneof(
      fc.record({ id: fc.integer({ min: 0, max: 4 }), v: fc.integer({ min: 0, max: 2 }) }),
      fc.integer({ min: 0, max: 4 }),
      fc.constant(null),
    );
    const doc = fc.record({
      list: fc.array(element, { maxLength: 8 }),
      groups: fc.array(fc.record({ items: fc.array(element, { maxLength: 5 }) }), { maxLength: 3 }),
    });
    const identity = { "/list": "id", "/groups/*/items": "id" };
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        const result = diffArtifacts(a, b, { identity });
        assertPatchWorks(a, b, result);
        assertWellFormed(result);
      }),
      { numRuns: 500 },
    );
  });

  test("a document compared with itself is NONE, with no changes", () => {
    fc.assert(
      fc.property(fc.oneof(runArtifact, fc.jsonValue()), (a) => {
        const result = diffArtifacts(a, structuredClone(a));
        assert.equal(result.severity, "NONE");
        assert.deepEqual(result.changes, []);
        assert.deepEqual(result.patch, []);
      }),
    );
  });

  test("there are changes exactly when the documents differ", () => {
    fc.assert(
      fc.property(runArtifact, runArtifact, (a, b) => {
        assert.equal(diffArtifacts(a, b).changes.length > 0, !jsonEqual(a, b));
      }),
    );
  });
});

/** A minimal artifact for the example tests. */
function run(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: "run_0123456789ab",
    status: "OK",
    tool_id: "endmill-6mm",
    decision: { risk_level: "GREEN", warnings: [] },
    hashes: { feasibility_sha256: "f".repeat(64) },
    outputs: {},
    attachments: [],
    advisory_inputs: [],
    meta: {},
    ...overrides,
  };
}

function att(n: number, filename = `f${n}.bin`): Record<string, unknown> {
  return {
    sha256: String(n).repeat(64),
    kind: "report",
    mime: "text/plain",
    filename,
    size_bytes: n,
  };
}

function summary(changes: readonly Change[]): string[] {
  return changes.map((c) => `${c.op} ${c.from === undefined ? "" : `${c.from} -> `}${c.path} ${c.severity}`);
}

describe("diffArtifacts: examples", () => {
  test("a reorder of attachments is moves, with no add or remove, and the patch works", () => {
    const a = run({ attachments: [att(1), att(2), att(3), att(4)] });
    const b = run({ attachments: [att(4), att(1), att(2), att(3)] });
    const result = diffArtifacts(a, b);
    assert.deepEqual(summary(result.changes), ["move /attachments/3 -> /attachments/0 INFO"]);
    assert.equal(result.severity, "INFO");
    assert.deepEqual(result.patch, [{ op: "move", from: "/attachments/3", path: "/attachments/0" }]);
    assertPatchWorks(a, b, result);
  });

  test("a reversed list reports the fewest moves", () => {
    const a = run({ attachments: [att(1), att(2), att(3)] });
    const b = run({ attachments: [att(3), att(2), att(1)] });
    const result = diffArtifacts(a, b);
    assert.equal(result.changes.length, 2);
    assert.ok(result.changes.every((c) => c.op === "move"));
    assertPatchWorks(a, b, result);
  });

  test("identity arrays: additions, removals and changes inside a paired element", () => {
    const a = run({ attachments: [att(1), att(2), att(3)] });
    const b = run({ attachments: [att(5), att(3), att(1, "renamed.bin")] });
    const result = diffArtifacts(a, b);
    assert.deepEqual(summary(result.changes), [
      "remove /attachments/1 INFO",
      "move /attachments/2 -> /attachments/1 INFO",
      "add /attachments/0 INFO",
      "replace /attachments/2/filename INFO",
    ]);
    assert.deepEqual(result.changes[3], {
      path: "/attachments/2/filename",
      op: "replace",
      before: "f1.bin",
      after: "renamed.bin",
      severity: "INFO",
    });
    assertPatchWorks(a, b, result);
  });

  test("an inserted element does not make its successors look moved or changed", () => {
    const a = run({
      advisory_inputs: [
        { advisory_id: "adv_B", kind: "x" },
        { advisory_id: "adv_C", kind: "x" },
      ],
    });
    const b = run({
      advisory_inputs: [
        { advisory_id: "adv_A", kind: "x" },
        { advisory_id: "adv_B", kind: "x" },
        { advisory_id: "adv_C", kind: "x" },
      ],
    });
    const result = diffArtifacts(a, b);
    assert.deepEqual(summary(result.changes), ["add /advisory_inputs/0 INFO"]);
    assertPatchWorks(a, b, result);
  });

  test("warnings are matched by their text, duplicates in order", () => {
    const a = run({
      decision: { risk_level: "YELLOW", warnings: ["deep cut", "slow", "deep cut"] },
    });
    const b = run({ decision: { risk_level: "YELLOW", warnings: ["slow", "deep cut", "hot"] } });
    const result = diffArtifacts(a, b);
    assert.deepEqual(summary(result.changes), [
      "remove /decision/warnings/2 INFO",
      "move /decision/warnings/1 -> /decision/warnings/0 INFO",
      "add /decision/warnings/2 INFO",
    ]);
    assertPatchWorks(a, b, result);
  });

  test("arrays without identity are compared by index", () => {
    const a = { outputs: { toolpaths: [1, 2, 3, 4] } };
    const b = { outputs: { toolpaths: [1, 9, 3] } };
    const result = diffArtifacts(a, b);
    assert.deepEqual(result.changes, [
      { path: "/outputs/toolpaths/1", op: "replace", before: 2, after: 9, severity: "WARNING" },
      { path: "/outputs/toolpaths/3", op: "remove", before: 4, severity: "WARNING" },
    ]);
    assertPatchWorks(a, b, result);
    assertPatchWorks(b, a, diffArtifacts(b, a));
  });

  test("a 10 000-line G-code change is one replace", () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `G1 X${i} Y${i % 7} F1200`);
    const a = run({ outputs: { gcode_text: lines.join("\n") } });
    lines[5_000] = "G1 X5000 Y0 F900";
    const b = run({ outputs: { gcode_text: lines.join("\n") } });
    const result = diffArtifacts(a, b);
    assert.equal(result.changes.length, 1);
    assert.deepEqual(
      { ...result.changes[0], before: undefined, after: undefined },
      {
        path: "/outputs/gcode_text",
        op: "replace",
        before: undefined,
        after: undefined,
        severity: "WARNING",
      },
    );
    assert.deepEqual(result.patch, [
      {
        op: "replace",
        path: "/outputs/gcode_text",
        value: (b.outputs as { gcode_text: string }).gcode_text,
      },
    ]);
    assert.equal(result.severity, "WARNING");
    assertPatchWorks(a, b, result);
  });

  test("add has only after, remove only before; null is a value, not an absence", () => {
    const a = run({ meta: { gone: null, same: 1 } });
    const b = run({ meta: { same: 1, fresh: null } });
    const result = diffArtifacts(a, b);
    assert.deepEqual(result.changes, [
      { path: "/meta/fresh", op: "add", after: null, severity: "INFO" },
      { path: "/meta/gone", op: "remove", before: null, severity: "INFO" },
    ]);
    assertPatchWorks(a, b, result);
  });

  test("a change of type is one replace", () => {
    for (const [before, after] of [
      [{ x: 1 }, [1]],
      [1, "1"],
      [null, {}],
      [[], {}],
      [true, 1],
    ] as const) {
      const result = diffArtifacts(run({ meta: { v: before } }), run({ meta: { v: after } }));
      assert.deepEqual(result.changes, [{ path: "/meta/v", op: "replace", before, after, severity: "INFO" }]);
    }
    assert.deepEqual(diffArtifacts(1, "1").patch, [{ op: "replace", path: "", value: "1" }]);
  });

  test("keys are reported in sorted order and escaped as JSON Pointers", () => {
    const a = { meta: {} };
    const b = { meta: { z: 1, "a/b": 2, "~c": 3, "": 4, "0": 5 } };
    const result = diffArtifacts(a, b);
    assert.deepEqual(
      result.changes.map((c) => c.path),
      ["/meta/", "/meta/0", "/meta/a~1b", "/meta/z", "/meta/~0c"],
    );
    assertPatchWorks(a, b, result);
  });

  test("the result is deterministic whatever the member order of the inputs", () => {
    const a = { status: "OK", meta: { b: 1, a: 2 }, tool_id: "x" };
    const b1 = { tool_id: "y", meta: { a: 3, b: 4 }, status: "ERROR" };
    const b2 = { status: "ERROR", meta: { b: 4, a: 3 }, tool_id: "y" };
    assert.deepEqual(diffArtifacts(a, b1), diffArtifacts(a, b2));
  });

  test("the identity map can be replaced or extended, with * for one token", () => {
    const a = {
      outputs: {
        toolpaths: [
          { id: "p1", z: 1 },
          { id: "p2", z: 2 },
        ],
      },
    };
    const b = {
      outputs: {
        toolpaths: [
          { id: "p2", z: 2 },
          { id: "p1", z: 1 },
        ],
      },
    };
    const byIndex = diffArtifacts(a, b);
    assert.equal(byIndex.changes.length, 4);
    const identity = { ...DEFAULT_IDENTITY_KEYS, "/outputs/*": "id" };
    const byId = diffArtifacts(a, b, { identity });
    assert.deepEqual(summary(byId.changes), ["move /outputs/toolpaths/1 -> /outputs/toolpaths/0 WARNING"]);
    assertPatchWorks(a, b, byId);
  });

  test("elements without the identity member are matched by their whole value", () => {
    const a = run({ attachments: [att(1), { note: "x" }, "loose"] });
    const b = run({ attachments: ["loose", att(1), { note: "y" }] });
    const result = diffArtifacts(a, b);
    assert.deepEqual(summary(result.changes), [
      "remove /attachments/1 INFO",
      "move /attachments/2 -> /attachments/0 INFO",
      "add /attachments/2 INFO",
    ]);
    assertPatchWorks(a, b, result);
  });

  test("members set to undefined count as absent", () => {
    const result = diffArtifacts({ a: 1, b: undefined }, { a: 1 });
    assert.deepEqual(result.changes, []);
  });

  test("values JSON cannot represent are refused with their location", () => {
    assert.throws(() => diffArtifacts({ a: [1, Number.NaN] }, {}), /not a JSON value at "\/a\/1"/);
    assert.throws(() => diffArtifacts({}, { when: new Date() }), /not a JSON value at "\/when"/);
    assert.throws(() => diffArtifacts(undefined, {}), TypeError);
    assert.throws(() => diffArtifacts({}, { f: () => 1 }), TypeError);
  });

  test("a patch of the SPEC's shape can be sent as JSON", () => {
    const a = run({ status: "OK" });
    const b = run({
      status: "BLOCKED",
      decision: { risk_level: "RED", block_reason: "x", warnings: [] },
    });
    const result = diffArtifacts(a, b);
    const patch = viaJson(result.patch) as JsonPatchOp[];
    assert.deepEqual(applyPatch(a, patch), b);
    assert.equal(result.severity, "CRITICAL");
  });
});
