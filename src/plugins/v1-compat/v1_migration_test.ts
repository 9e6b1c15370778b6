/**
 * Unit tests of the v1 → 2.0.0 step: every row of SPEC's mapping table and every kind
 * of dirt, on the step's own examples and on hand-made records; the refusals (and
 * their reasons) of records that cannot be converted; and the step inside a real
 * MigrationRegistry, whose invariants (run_id, hashes verbatim) it must pass. A
 * property test throws random combinations of dirt at it: the output is always either a
 * valid 2.0.0 artifact or a refusal with a reason, and the transform is pure.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { RunArtifactSchema } from "../../contracts/artifact.js";
import { sha256Hex } from "../../contracts/hashing.js";
import { canonicalize } from "../../contracts/jcs.js";
import {
  ArtifactMigrationRegistry as MigrationRegistry,
  deepFreeze,
} from "../../contracts/artifact_migration_registry.js";
import { MigrationStepError } from "../../contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";
import { V1_FLAGS, V1_HASH_METHOD, V1_IMPORT_SOURCE, type V1Provenance } from "./provenance.js";
import { v1Sha256 } from "./python_json.js";
import { exampleFromText, v1MigrationExamples } from "./v1_migration_examples.js";
import { convertV1, v1Migration, validateImportedArtifact, validateV1Artifact } from "./v1_migration.js";
import { parseV1Json } from "./v1_value.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read artifacts and reports loosely; a wrong guess fails the test
type Json = Record<string, any>;

function byId(id: string): StoredArtifact {
  const x = v1MigrationExamples().find((e) => e.run_id === id);
  assert.ok(x, id);
  return x;
}

function convert(x: object): Json {
  const out = convertV1(x as StoredArtifact) as Json;
  validateImportedArtifact(out as StoredArtifact);
  return out;
}

function provenanceOf(out: Json): V1Provenance {
  return out.provenance as V1Provenance;
}

const FEASIBILITY_TEXT = '{"stepover": 1.0, "depth_mm": 0.5, "material": "spruce"}';

/** A small valid v1 record text with `members` replaced (JSON texts; undefined removes). */
function record(members: Record<string, string | undefined> = {}): string {
  const base: Record<string, string | undefined> = {
    run_id: '"run_00000000abcd"',
    created_at_utc: '"2025-11-02T08:00:00.500000+00:00"',
    mode: '"inlay"',
    tool_id: '"tool_vbit_90"',
    status: '"OK"',
    request_summary: '{"design_id": "design_0001"}',
    feasibility: FEASIBILITY_TEXT,
    decision: '{"risk_level": "GREEN", "score": 0.5, "block_reason": null, "warnings": [], "details": {}}',
    request_hash: JSON.stringify(v1Sha256(parseV1Json(Buffer.from(FEASIBILITY_TEXT)))),
    toolpaths_hash: "null",
    gcode_hash: "null",
    outputs: '{"gcode_text": null, "toolpaths": null, "opplan_json": null}',
    attachments: "[]",
    meta: '{"operator": "dara"}',
    ...members,
  };
  const parts = Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined);
  return `{${parts.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`;
}

describe("v1 → 2.0.0: SPEC's mapping table", () => {
  test("a clean record: hashes verbatim, nulls absent, attachments and meta preserved, provenance recorded", () => {
    const x = byId("run_0a0000000001") as Json;
    const out = convert(x);
    assert.equal(out.schema_version, "2.0.0");
    assert.equal(out.run_id, x.run_id);
    assert.equal(out.created_at_utc, "2025-11-20T14:03:11.250000Z", "UTC, with the precision v1 wrote");
    assert.equal(out.hashes.feasibility_sha256, x.request_hash);
    assert.equal(out.hashes.toolpaths_sha256, x.toolpaths_hash);
    assert.equal(out.hashes.gcode_sha256, x.gcode_hash);
    assert.equal("block_reason" in out.decision, false, "null block_reason → absent");
    assert.equal("opplan_json" in out.outputs, false, "null opplan_json → absent");
    assert.deepEqual(out.meta, x.meta);
    assert.deepEqual(out.attachments, [
      {
        sha256: x.attachments[0].sha256,
        kind: "gcode",
        mime: "text/x-gcode",
        filename: "run_0a0000000001.nc",
        size_bytes: x.attachments[0].size_bytes,
      },
    ]);
    assert.equal(out.created_by, "v1-import");
    const p = provenanceOf(out);
    assert.equal(p.source, V1_IMPORT_SOURCE);
    assert.equal(p.hash_method, V1_HASH_METHOD);
    assert.deepEqual(p.flags, []);
    assert.deepEqual(p.notes, []);
    assert.equal(p.v1_record_sha256, x.v1_import.record_sha256);
    assert.equal(p.imported_at_utc, x.v1_import.imported_at_utc);
    assert.deepEqual(p.v1_unmapped, { "/attachments/0/created_at_utc": "2025-11-20T14:03:11.250000+00:00" });
  });

  test("naive time → UTC and noted; null risk_level → UNKNOWN and noted; lower-case status upper-cased and noted", () => {
    const out = convert(byId("run_0a0000000002"));
    assert.equal(out.created_at_utc, "2025-11-05T20:30:31.194936Z");
    assert.equal(out.status, "BLOCKED");
    assert.equal(out.decision.risk_level, "UNKNOWN");
    assert.equal(out.decision.block_reason, "chipload out of range");
    assert.deepEqual(out.outputs, {}, "every null output → absent");
    assert.deepEqual(Object.keys(out.hashes), ["feasibility_sha256"], "null hashes → absent");
    const notes = provenanceOf(out).notes.join("\n");
    assert.match(notes, /created_at_utc was naive \(2025-11-05T20:30:31\.194936\); taken as UTC/);
    assert.match(notes, /risk_level null in v1: UNKNOWN/);
    assert.match(notes, /status "blocked" lower case in v1: upper-cased/);
    assert.deepEqual(provenanceOf(out).flags, [], "rule-based fixes are notes, not flags");
  });

  test("missing request_hash → derived the v1 way (1.0 kept as written) and noted; missing risk_level → UNKNOWN", () => {
    const x = byId("run_0a0000000003") as Json;
    assert.equal("request_hash" in x, false);
    const out = convert(x);
    assert.equal(out.hashes.feasibility_sha256, x.v1_import.feasibility_v1_sha256);
    // The JS value holds 1 where v1 held 1.0: hashing it would give another hash.
    assert.notEqual(out.hashes.feasibility_sha256, v1Sha256(parseV1Json(Buffer.from(JSON.stringify(x.feasibility)))));
    assert.equal(
      out.hashes.toolpaths_sha256,
      x.v1_import.toolpaths_v1_sha256,
      "null toolpaths_hash with toolpaths → derived",
    );
    assert.equal(out.decision.risk_level, "UNKNOWN");
    assert.equal(out.status, "OK");
    const notes = provenanceOf(out).notes.join("\n");
    assert.match(notes, /feasibility_sha256 derived: v1 request_hash missing/);
    assert.match(notes, /toolpaths_sha256 derived/);
    assert.match(notes, /risk_level missing in v1: UNKNOWN/);
  });

  test("a run_id that disagrees with its key, a hash that does not match its content, a lost blob: imported and flagged", () => {
    const x = byId("run_0a0000000004") as Json;
    const out = convert(x);
    assert.equal(out.run_id, "run_0a0000000004", "the key is the id");
    assert.equal(out.hashes.feasibility_sha256, "f".repeat(64), "the mismatching hash is kept verbatim");
    const p = provenanceOf(out);
    assert.deepEqual(
      new Set(p.flags),
      new Set([V1_FLAGS.runIdDisagreesWithKey, V1_FLAGS.legacyHashMismatch, V1_FLAGS.attachmentBlobMissing]),
    );
    assert.equal(p.v1_record_run_id, "run_0b0000000004");
    assert.deepEqual(p.legacy_hash_mismatches, [
      { member: "request_hash", stored: "f".repeat(64), recomputed: x.v1_import.feasibility_v1_sha256 },
    ]);
    assert.equal(out.attachments.length, 1, "the reference to the lost blob is kept");
  });

  test("a bare record (no import facts): converted, hashes kept, 'not re-checked' noted, unknown members kept", () => {
    const x = byId("run_0a0000000005") as Json;
    assert.equal("v1_import" in x, false);
    const out = convert(x);
    assert.equal(out.status, "ERROR");
    assert.equal(out.decision.risk_level, "ERROR");
    assert.equal("score" in out.decision, false, "null score → absent");
    assert.deepEqual(out.meta, {});
    const p = provenanceOf(out);
    assert.match(p.notes.join("\n"), /legacy hashes not re-checked/);
    assert.match(p.notes.join("\n"), /meta null in v1: \{\}/);
    assert.deepEqual(p.v1_unmapped, { "/legacy_note": "kept by hand in 2024" });
    assert.equal(p.v1_record_sha256, undefined);
  });

  test("a mismatching gcode_hash and toolpaths_hash are kept verbatim and flagged", () => {
    const gcode = "G21\nM30\n";
    const text = record({
      gcode_hash: JSON.stringify("a".repeat(64)),
      toolpaths_hash: JSON.stringify("b".repeat(64)),
      outputs: `{"gcode_text": ${JSON.stringify(gcode)}, "toolpaths": {"segments": 3}, "opplan_json": null}`,
    });
    const out = convert(exampleFromText("run_00000000abcd", text));
    assert.equal(out.hashes.gcode_sha256, "a".repeat(64));
    assert.equal(out.hashes.toolpaths_sha256, "b".repeat(64));
    const p = provenanceOf(out);
    assert.deepEqual(p.flags, [V1_FLAGS.legacyHashMismatch]);
    assert.deepEqual(
      p.legacy_hash_mismatches?.map((m) => [m.member, m.recomputed]),
      [
        ["toolpaths_hash", v1Sha256(parseV1Json(Buffer.from('{"segments": 3}')))],
        ["gcode_hash", sha256Hex(gcode)],
      ],
    );
  });

  test("a non-UTC offset is converted and noted; unknown decision and output members are kept in v1_unmapped", () => {
    const text = record({
      created_at_utc: '"2025-11-02T10:00:00+02:00"',
      decision: '{"risk_level": "green", "warnings": null, "details": null, "reviewer": "bo"}',
      outputs: '{"gcode_text": null, "toolpaths": null, "opplan_json": {"ops": [1.0]}, "preview": "x.png"}',
    });
    const out = convert(exampleFromText("run_00000000abcd", text));
    assert.equal(out.created_at_utc, "2025-11-02T08:00:00Z");
    assert.equal(out.decision.risk_level, "GREEN");
    assert.deepEqual(out.decision.warnings, []);
    assert.deepEqual(out.decision.details, {});
    assert.deepEqual(out.outputs, { opplan_json: { ops: [1] } });
    const p = provenanceOf(out);
    assert.deepEqual(p.v1_unmapped, { "/decision/reviewer": "bo", "/outputs/preview": "x.png" });
    assert.match(p.notes.join("\n"), /non-UTC offset/);
    assert.match(p.notes.join("\n"), /risk_level "green" lower case/);
  });
});

describe("v1 → 2.0.0: records that cannot be converted are refused with a reason", () => {
  const refusals: Array<[string, string, RegExp]> = [
    ["no feasibility", record({ feasibility: undefined }), /feasibility is missing/],
    ["feasibility null", record({ feasibility: "null" }), /feasibility is missing/],
    ["a created_at_utc that is no time", record({ created_at_utc: '"yesterday"' }), /not an ISO 8601 timestamp/],
    ["no created_at_utc", record({ created_at_utc: undefined }), /created_at_utc is missing/],
    ["a hash that is not a string", record({ request_hash: "42" }), /request_hash is not a string/],
  ];
  for (const [name, text, reason] of refusals) {
    test(`${name}: validateBefore refuses it`, () => {
      assert.throws(() => validateV1Artifact(exampleFromText("run_00000000abcd", text)), reason);
    });
  }

  test("a missing request_hash without import facts: no v1 hash can be derived from JS numbers", () => {
    const bare = exampleFromText("run_00000000abcd", record({ request_hash: undefined }), { bare: true });
    assert.throws(() => validateV1Artifact(bare), /request_hash is missing and cannot be derived/);
  });

  test("a null hash member and a key that is not a v1 id are refused", () => {
    const x = exampleFromText("run_00000000abcd", record()) as Json;
    assert.throws(
      () => validateV1Artifact({ ...x, gcode_hash: null } as unknown as StoredArtifact),
      /gcode_hash is null/,
    );
    assert.throws(
      () => validateV1Artifact({ ...x, run_id: "run_../../etc" } as unknown as StoredArtifact),
      /not a v1 run id/,
    );
  });

  test("what the 2.0.0 schema refuses (BLOCKED without block_reason, ERROR with GREEN, no mode) fails validateAfter", () => {
    const cases = [
      record({ status: '"BLOCKED"' }),
      record({ status: '"error"' }),
      record({ mode: undefined }),
      record({
        attachments:
          '[{"sha256": "../../etc/passwd", "kind": "gcode", "mime": "text/x-gcode", "filename": "a", "size_bytes": 1}]',
      }),
    ];
    for (const text of cases) {
      const x = exampleFromText("run_00000000abcd", text);
      validateV1Artifact(x);
      assert.throws(() => validateImportedArtifact(convertV1(x)), /not a valid 2\.0\.0 artifact/);
    }
  });
});

describe("v1 → 2.0.0 in the schema registry", () => {
  const registry = new MigrationRegistry();
  registry.register(v1Migration);

  test("every example migrates through the registry, whose invariants hold (run_id, hashes at their new place)", () => {
    for (const x of v1MigrationExamples()) {
      const { artifact, steps } = registry.migrate(x);
      assert.equal(steps.length, 1);
      assert.equal(artifact.run_id, x.run_id);
      assert.ok(RunArtifactSchema.safeParse(artifact).success);
    }
  });

  test("a refusal surfaces as a MigrationStepError naming the phase and the reason", () => {
    const x = exampleFromText("run_00000000abcd", record({ feasibility: undefined }));
    assert.throws(
      () => registry.migrate(x),
      (e: unknown) => e instanceof MigrationStepError && e.phase === "validateBefore" && /feasibility/.test(e.message),
    );
  });

  test("property: random dirt → a valid artifact or a refusal with a reason; the transform is pure", () => {
    const member = (values: Array<string | undefined>) => fc.constantFrom(...values);
    fc.assert(
      fc.property(
        fc.record({
          created_at_utc: member([
            '"2025-11-02T08:00:00+00:00"',
            '"2025-11-02T08:00:00"',
            '"2025-11-02 08:00:00.1"',
            '"nope"',
            undefined,
          ]),
          status: member(['"OK"', '"ok"', '"blocked"', '"BLOCKED"', '"error"', '"weird"']),
          decision: member([
            '{"risk_level": "GREEN", "warnings": [], "details": {}}',
            '{"risk_level": null, "block_reason": "x"}',
            '{"block_reason": "chipload", "warnings": ["w"]}',
            '{"risk_level": "ERROR", "score": null}',
            "null",
            undefined,
          ]),
          request_hash: member([undefined, "null", JSON.stringify("c".repeat(64))]),
          feasibility: member([FEASIBILITY_TEXT, '{"a": [1.0, 2.50, 1e5]}', undefined]),
          meta: member(['{"patched": true}', "null", undefined]),
          run_id: member(['"run_00000000abcd"', '"run_ffffffffffff"', undefined]),
        }),
        (members) => {
          const x = exampleFromText("run_00000000abcd", record(members));
          try {
            validateV1Artifact(x);
          } catch (error) {
            assert.ok((error as Error).message.length > 10, "a refusal has a reason");
            return;
          }
          const frozen = deepFreeze(structuredClone(x));
          const a = convertV1(frozen);
          const b = convertV1(structuredClone(x));
          assert.equal(canonicalize(a), canonicalize(b), "same input, same output");
          try {
            validateImportedArtifact(a);
          } catch (error) {
            assert.match((error as Error).message, /not a valid 2\.0\.0 artifact: \S/);
            return;
          }
          const out = a as Json;
          assert.equal(out.run_id, "run_00000000abcd");
          if (members.request_hash?.startsWith('"')) assert.equal(out.hashes.feasibility_sha256, "c".repeat(64));
          else assert.equal(out.hashes.feasibility_sha256, (x as Json).v1_import.feasibility_v1_sha256);
          assert.ok(["OK", "BLOCKED", "ERROR"].includes(out.status));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
