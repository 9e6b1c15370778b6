/**
 * The run verifier for imported runs (hash method `v1-python-json-sha256`), added to
 * RUN_VERIFIERS for `GET /runs/{id}/verify` and `rmos verify`. The runs plugin's core
 * verifier leaves the feasibility and toolpaths hashes of such runs to it (their hashes
 * were made by v1, not over RFC 8785). It proves three things from the original record's
 * exact bytes, read from the runs.json backup: the bytes are intact (their SHA-256 is
 * `provenance.v1_record_sha256`); the artifact holds what the record held (feasibility
 * and toolpaths equal, as JSON values); and the stored hashes are the record's v1 hashes
 * — recomputed the v1 way from the exact number text, equal to the stored ones, or, for a
 * v1 hash that never matched its content, recorded as such on import and flagged.
 * Runs not imported from v1 get no checks from it.
 */
import { canonicalize } from "../../contracts/jcs.js";
import type { StoredRun } from "../../contracts/ports/run_store.js";
import type { RunCheck, RunVerifier } from "../../contracts/ports/run_verifiers.js";
import { V1_HASH_METHOD, V1_FLAGS, type V1Provenance, v1ProvenanceOf } from "./provenance.js";
import { V1HashError, v1Sha256 } from "./python_json.js";
import { type V1Backups, V1RecordUnavailableError } from "./v1_backups.js";
import { parseV1Json, toPlainJson, V1SyntaxError, type V1Object, type V1Value } from "./v1_value.js";

/** The verifier's name (and the prefix of its checks). */
export const V1_VERIFIER_NAME = "v1-compat";

type Json = Record<string, unknown>;

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalize(a) === canonicalize(b);
  } catch {
    return false;
  }
}

/** Checks one v1 hash: stored vs recomputed from the record's content. */
function hashCheck(
  name: string,
  member: "request_hash" | "toolpaths_hash",
  stored: unknown,
  content: V1Value | undefined,
  provenance: V1Provenance,
): RunCheck | undefined {
  if (stored === undefined) return undefined;
  if (content === undefined || content === null) {
    return { name, ok: true, detail: `kept verbatim from v1 ${member}; v1 stored no content to check it against` };
  }
  let recomputed: string;
  try {
    recomputed = v1Sha256(content);
  } catch (error) {
    if (!(error instanceof V1HashError)) throw error;
    return { name, ok: false, detail: `the v1 content cannot be hashed: ${error.message}` };
  }
  if (recomputed === stored)
    return { name, ok: true, detail: "recomputed the v1 way from the original record, matches" };
  const recorded = provenance.legacy_hash_mismatches?.some(
    (m) => m.member === member && m.stored === stored && m.recomputed === recomputed,
  );
  if (recorded && provenance.flags.includes(V1_FLAGS.legacyHashMismatch)) {
    return {
      name,
      ok: true,
      detail: `v1 ${member} ${String(stored)} never matched its content (${recomputed}); recorded on import and flagged ${V1_FLAGS.legacyHashMismatch}`,
    };
  }
  return { name, ok: false, detail: `stored ${String(stored)}, the original record's content hashes to ${recomputed}` };
}

/** The verifier; `backups` reads the original record bytes. */
export function v1RunVerifier(backups: V1Backups): RunVerifier {
  return {
    name: V1_VERIFIER_NAME,
    hashMethods: [V1_HASH_METHOD],
    async verify(run: StoredRun): Promise<RunCheck[]> {
      const method = (run.artifact.provenance as Json | undefined)?.hash_method;
      if (method !== V1_HASH_METHOD) return [];
      const provenance = v1ProvenanceOf(run.artifact);
      if (!provenance?.v1_record_sha256 || !provenance.v1_record_location) {
        return [{ name: "v1_record", ok: false, detail: "the run does not say where its original v1 record is kept" }];
      }
      let bytes: Buffer;
      try {
        bytes = await backups.readRecord(provenance.v1_record_location, provenance.v1_record_sha256);
      } catch (error) {
        if (!(error instanceof V1RecordUnavailableError)) throw error;
        return [{ name: "v1_record", ok: false, detail: error.message }];
      }
      let record: V1Value;
      try {
        record = parseV1Json(bytes);
      } catch (error) {
        if (!(error instanceof V1SyntaxError)) throw error;
        return [{ name: "v1_record", ok: false, detail: `the original record does not parse: ${error.message}` }];
      }
      if (!(record instanceof Map))
        return [{ name: "v1_record", ok: false, detail: "the original record is not an object" }];
      const { offset, length, runs_json_sha256 } = provenance.v1_record_location;
      const checks: RunCheck[] = [
        {
          name: "v1_record",
          ok: true,
          detail: `intact: ${length} bytes at byte ${offset} of the backup of runs.json ${runs_json_sha256}, sha256 ${provenance.v1_record_sha256}`,
        },
      ];
      const v1 = record as V1Object;
      const artifact = run.artifact as Json;
      const hashes = (artifact.hashes ?? {}) as Json;
      const outputs = (artifact.outputs ?? {}) as Json;
      const feasibility = v1.get("feasibility");
      const v1Outputs = v1.get("outputs");
      const toolpaths = v1Outputs instanceof Map ? (v1Outputs as V1Object).get("toolpaths") : undefined;

      const same = (name: string, ours: unknown, theirs: V1Value | undefined) => {
        const expected = theirs === undefined || theirs === null ? undefined : toPlainJson(theirs);
        const ok = expected === undefined ? ours === undefined : sameJson(ours, expected);
        checks.push({ name, ok, detail: ok ? "equals the original record's" : "differs from the original record's" });
      };
      same("v1_feasibility", artifact.feasibility, feasibility);
      same("v1_toolpaths", outputs.toolpaths, toolpaths);
      const f = hashCheck("feasibility_sha256", "request_hash", hashes.feasibility_sha256, feasibility, provenance);
      if (f) checks.push(f);
      else checks.push({ name: "feasibility_sha256", ok: false, detail: "no feasibility hash stored" });
      const t = hashCheck("toolpaths_sha256", "toolpaths_hash", hashes.toolpaths_sha256, toolpaths, provenance);
      if (t) checks.push(t);
      else if (toolpaths !== undefined && toolpaths !== null) {
        checks.push({ name: "toolpaths_sha256", ok: false, detail: "toolpaths present but no hash stored" });
      }
      return checks;
    },
  };
}
