/**
 * The examples of the v1 → 2.0.0 migration step (`examples()`), the inputs the
 * migration contract kit runs it on: v1 records written as v1 wrote them (Python
 * `json.dump` text, with `1.0` where Python had a float), turned into their 1.0.0 form
 * the way the importer does it. One clean record and one for each kind of dirt real v1
 * files hold: a naive time, a null or missing risk_level, a lower-case status, null
 * hashes, a missing request_hash (derived), a run_id that disagrees with its key, a
 * v1 hash that does not match its content, a lost attachment blob, members v2 has no
 * place for, and a bare record without import facts. Built fresh on every call.
 */
import { sha256Hex } from "../../contracts/hashing.js";
import { v1Sha256 } from "./python_json.js";
import { recordRunId, toV1Artifact, type V1Artifact, type V1ImportFacts, v1ContentHashes } from "./v1_artifact.js";
import { parseV1Json, type V1Object } from "./v1_value.js";

const FEASIBILITY =
  '{"material": "maple", "depth_mm": 1.5, "stepover": 1.0, "spindle_rpm": 18000, "checks": [{"name": "chipload", "ok": true, "value": 0.02}, {"name": "deflection", "ok": true, "value": 0.0}], "note": "épaisseur ok"}';
const TOOLPATHS = '{"segments": 120, "length_mm": 2400.0}';
const GCODE = "G21\nG90\nM3 S18000\nG1 X1.000 Y2.000 Z-0.500 F800\nM5\nM30\n";
const GCODE_SHA = sha256Hex(GCODE);
const IMPORTED_AT = "2026-01-15T09:00:00Z";

/** A record's JSON text from member texts, in the given order. */
function recordText(members: Record<string, string | undefined>): string {
  const parts = Object.entries(members)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, text]) => `${JSON.stringify(name)}: ${text}`);
  return `{${parts.join(", ")}}`;
}

function baseMembers(runId: string): Record<string, string | undefined> {
  const feasibilityHash = v1Sha256(parseV1Json(Buffer.from(FEASIBILITY)));
  const toolpathsHash = v1Sha256(parseV1Json(Buffer.from(TOOLPATHS)));
  return {
    run_id: JSON.stringify(runId),
    created_at_utc: '"2025-11-20T14:03:11.250000+00:00"',
    mode: '"rosette"',
    tool_id: '"tool_vbit_60"',
    status: '"OK"',
    request_summary:
      '{"design_id": "design_0042", "tool_id": "tool_vbit_60", "params": {"ring_count": 3, "width_mm": 2.0}}',
    feasibility: FEASIBILITY,
    decision: '{"risk_level": "GREEN", "score": 0.93, "block_reason": null, "warnings": [], "details": {}}',
    request_hash: JSON.stringify(feasibilityHash),
    toolpaths_hash: JSON.stringify(toolpathsHash),
    gcode_hash: JSON.stringify(GCODE_SHA),
    outputs: `{"gcode_text": ${JSON.stringify(GCODE)}, "toolpaths": ${TOOLPATHS}, "opplan_json": null}`,
    attachments: `[{"sha256": "${GCODE_SHA}", "kind": "gcode", "mime": "text/x-gcode", "filename": "${runId}.nc", "size_bytes": ${Buffer.byteLength(GCODE)}, "created_at_utc": "2025-11-20T14:03:11.250000+00:00"}]`,
    meta: '{"operator": "ana", "patched": false}',
  };
}

/** The 1.0.0 form of the record `text` filed under `key`, with import facts unless `bare`. */
export function exampleFromText(
  key: string,
  text: string,
  options: { bare?: boolean; facts?: Partial<V1ImportFacts> } = {},
): V1Artifact {
  const bytes = Buffer.from(text, "utf8");
  const record = parseV1Json(bytes) as V1Object;
  if (options.bare) {
    const { v1_import: _dropped, ...bare } = toV1Artifact(key, record, { record_sha256: sha256Hex(bytes) });
    return bare as V1Artifact;
  }
  const hashes = v1ContentHashes(record);
  const ownId = recordRunId(record);
  const facts: V1ImportFacts = {
    record_sha256: sha256Hex(bytes),
    record_location: { runs_json_sha256: "0".repeat(64), offset: 0, length: bytes.length },
    ...(ownId !== key ? { record_run_id: ownId ?? null } : {}),
    ...(hashes.feasibility !== undefined ? { feasibility_v1_sha256: hashes.feasibility } : {}),
    ...(hashes.toolpaths !== undefined ? { toolpaths_v1_sha256: hashes.toolpaths } : {}),
    ...(hashes.errors.length > 0 ? { hash_errors: hashes.errors } : {}),
    imported_at_utc: IMPORTED_AT,
    ...options.facts,
  };
  return toV1Artifact(key, record, facts);
}

/** The examples of the step (see the module comment). */
export function v1MigrationExamples(): V1Artifact[] {
  const clean = "run_0a0000000001";
  const naive = "run_0a0000000002";
  const derived = "run_0a0000000003";
  const disagreeing = "run_0a0000000004";
  const bare = "run_0a0000000005";
  return [
    exampleFromText(clean, recordText(baseMembers(clean))),
    exampleFromText(
      naive,
      recordText({
        ...baseMembers(naive),
        created_at_utc: '"2025-11-05T20:30:31.194936"',
        status: '"blocked"',
        decision:
          '{"risk_level": null, "score": 0.846, "block_reason": "chipload out of range", "warnings": [], "details": {}}',
        toolpaths_hash: "null",
        gcode_hash: "null",
        outputs: '{"gcode_text": null, "toolpaths": null, "opplan_json": null}',
        attachments: "[]",
      }),
    ),
    exampleFromText(
      derived,
      recordText({
        ...baseMembers(derived),
        status: '"ok"',
        decision: '{"score": 0.5, "block_reason": null, "warnings": ["tear-out risk"], "details": {}}',
        request_hash: undefined,
        toolpaths_hash: "null",
      }),
    ),
    exampleFromText(
      disagreeing,
      recordText({
        ...baseMembers(disagreeing),
        run_id: '"run_0b0000000004"',
        request_hash: JSON.stringify("f".repeat(64)),
      }),
      { facts: { missing_blobs: [GCODE_SHA] } },
    ),
    exampleFromText(
      bare,
      recordText({
        ...baseMembers(bare),
        status: '"ERROR"',
        decision:
          '{"risk_level": "ERROR", "score": null, "block_reason": null, "warnings": [], "details": {"error": "post-processor crashed"}}',
        toolpaths_hash: "null",
        gcode_hash: "null",
        outputs: '{"gcode_text": null, "toolpaths": null, "opplan_json": null}',
        attachments: "[]",
        meta: "null",
        legacy_note: '"kept by hand in 2024"',
      }),
      { bare: true },
    ),
  ];
}
