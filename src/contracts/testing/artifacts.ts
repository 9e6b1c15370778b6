/**
 * Contract-test support: valid run artifacts and create bodies, built the way the
 * service builds them (hashes computed), for store and API contract tests.
 */
import { CURRENT_SCHEMA_VERSION, type RunArtifact } from "../artifact.js";
import { canonicalSha256, sha256Hex } from "../hashing.js";
import { newId } from "../ids.js";
import type { StoredArtifact } from "../ports/run_store.js";

/** A valid 2.0.0 artifact; `at` sets created_at_utc (and the id's time), `overrides` replace top-level fields. */
export function makeArtifact(
  options: { at?: number; runId?: string; overrides?: Partial<RunArtifact> } = {},
): StoredArtifact {
  const { id, time } = newId("run", options.at);
  const feasibility = { material: "maple", depth_mm: 1.5, checks: [{ name: "chipload", ok: true }] };
  const gcode = "G21\nG90\nM30\n";
  const artifact: RunArtifact = {
    schema_version: CURRENT_SCHEMA_VERSION,
    run_id: options.runId ?? id,
    created_at_utc: new Date(time).toISOString(),
    mode: "rosette",
    tool_id: "tool_vbit_60",
    status: "OK",
    request_summary: { design_id: "design_0001" },
    feasibility,
    decision: { risk_level: "GREEN", score: 0.9, warnings: [], details: {} },
    hashes: { feasibility_sha256: canonicalSha256(feasibility), gcode_sha256: sha256Hex(gcode) },
    outputs: { gcode_text: gcode },
    attachments: [],
    advisory_inputs: [],
    meta: {},
    created_by: "contract-test",
    ...options.overrides,
  };
  return artifact as StoredArtifact;
}

/** A valid POST /runs body (the contract package's, so that the suite and the contract create the same runs). */
export { makeCreateBody } from "./create_body.js";
