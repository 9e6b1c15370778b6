/**
 * Tests of the legacy v1 shape of runs the service created: hashes back at the top
 * level, null where v2 leaves a member out, times as Python's isoformat wrote them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeArtifact } from "../../contracts/testing/artifacts.js";
import { toLegacyShape, toPythonIsoformat } from "./legacy_shape.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read the documents loosely; a wrong guess fails the test
type Json = Record<string, any>;

test("times are written as Python's datetime.isoformat() of an aware UTC datetime", () => {
  assert.equal(toPythonIsoformat("2025-12-12T03:19:54.841Z"), "2025-12-12T03:19:54.841000+00:00");
  assert.equal(toPythonIsoformat("2025-12-12T03:19:54.841235Z"), "2025-12-12T03:19:54.841235+00:00");
  assert.equal(toPythonIsoformat("2025-12-12T03:19:54Z"), "2025-12-12T03:19:54+00:00");
  assert.equal(toPythonIsoformat("2025-12-12T03:19:54.000Z"), "2025-12-12T03:19:54+00:00", "no fraction when zero");
});

test("a 2.0.0 artifact maps back to the v1 record shape", () => {
  const artifact = makeArtifact({ at: Date.UTC(2025, 11, 12, 3, 19, 54, 841) }) as Json;
  const v1 = toLegacyShape(artifact) as Json;
  assert.deepEqual(Object.keys(v1).sort(), [
    "attachments",
    "created_at_utc",
    "decision",
    "feasibility",
    "gcode_hash",
    "meta",
    "mode",
    "outputs",
    "request_hash",
    "request_summary",
    "run_id",
    "status",
    "tool_id",
    "toolpaths_hash",
  ]);
  assert.equal(v1.run_id, artifact.run_id);
  assert.equal(v1.created_at_utc, "2025-12-12T03:19:54.841000+00:00");
  assert.equal(v1.request_hash, artifact.hashes.feasibility_sha256);
  assert.equal(v1.gcode_hash, artifact.hashes.gcode_sha256);
  assert.equal(v1.toolpaths_hash, null);
  assert.deepEqual(v1.outputs, { gcode_text: artifact.outputs.gcode_text, toolpaths: null, opplan_json: null });
  assert.deepEqual(v1.decision, { risk_level: "GREEN", score: 0.9, block_reason: null, warnings: [], details: {} });
  assert.deepEqual(v1.feasibility, artifact.feasibility);
});

test("attachments carry the run's time as their created_at_utc, as v1 attachments did", () => {
  const ref = { sha256: "a".repeat(64), kind: "gcode", mime: "text/x-gcode", filename: "x.nc", size_bytes: 3 };
  const artifact = makeArtifact({ at: Date.UTC(2025, 0, 2), overrides: { attachments: [ref] } });
  const v1 = toLegacyShape(artifact as Record<string, unknown>);
  assert.deepEqual(v1.attachments, [{ ...ref, created_at_utc: "2025-01-02T00:00:00+00:00" }]);
});
