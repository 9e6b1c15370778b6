/**
 * The v1 → 2.0.0 conversion, as a step of the schema-migrations registry ("1.x" →
 * "2.0.0"), so that the registry's invariants (run_id unchanged, every hash kept
 * verbatim where `hashMap` says it goes) and the migration contract kit apply to it.
 * It reads the 1.0.0 form of a record (see v1_artifact.ts) and applies SPEC's mapping
 * table: `request_hash` → `hashes.feasibility_sha256` verbatim (derived the v1 way when
 * missing, noted), `toolpaths_hash` / `gcode_hash` likewise, a missing or null
 * `risk_level` → UNKNOWN (noted), a lower-case status upper-cased (noted), a naive
 * `created_at_utc` taken as UTC (noted), `attachments` and `meta` preserved. A v1 hash
 * that does not match its content is kept and flagged, never "fixed"; so is a record
 * whose own run_id disagrees with its key (the key wins: it is the id v1 clients used).
 * Nulls become absent members. v1 members the v2 schema has no place for (e.g. each
 * attachment's `created_at_utc`) are kept in `provenance.v1_unmapped` under their JSON
 * Pointer. The transform is pure: no clock, no I/O — the import time and the state of
 * the blobs come in `v1_import`. Without `v1_import` (a bare v1 record) the step still
 * converts a record that has its `request_hash`, noting that the legacy hashes were not
 * re-checked, and refuses one that lacks it (a v1 hash cannot be derived from JS
 * numbers: `1.0` and `1` hash differently).
 */
import { RunArtifactSchema } from "../../contracts/artifact.js";
import { appendSegment } from "../../contracts/json_pointer.js";
import { sha256Hex } from "../../contracts/hashing.js";
import { LEGACY_RUN_ID_PATTERN } from "../../contracts/ids.js";
import { type ArtifactMigration, versionMatches } from "../../contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";
import { parseNaiveAsUtc, parseUtc } from "../../contracts/time.js";
import {
  type LegacyHashMismatch,
  V1_CREATED_BY,
  V1_FLAGS,
  V1_HASH_METHOD,
  V1_IMPORT_SOURCE,
  V1_VERSION_FAMILY,
  type V1Flag,
} from "./provenance.js";
import { V1_HASH_MEMBERS, type V1Artifact, type V1ImportFacts } from "./v1_artifact.js";
import { v1MigrationExamples } from "./v1_migration_examples.js";

/** The version the step writes. */
export const V1_TARGET_VERSION = "2.0.0";

const TOP_MEMBERS = new Set([
  "schema_version",
  "run_id",
  "created_at_utc",
  "mode",
  "tool_id",
  "status",
  "request_summary",
  "feasibility",
  "decision",
  "request_hash",
  "toolpaths_hash",
  "gcode_hash",
  "outputs",
  "attachments",
  "meta",
  "v1_import",
]);
const DECISION_MEMBERS = new Set(["risk_level", "score", "block_reason", "warnings", "details"]);
const OUTPUT_MEMBERS = new Set(["gcode_text", "toolpaths", "opplan_json"]);
const ATTACHMENT_MEMBERS = new Set(["sha256", "kind", "mime", "filename", "size_bytes"]);
const STATUSES = new Set(["OK", "BLOCKED", "ERROR"]);
const RISK_LEVELS = new Set(["GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function own(object: Json, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/** Sets a member, also one named "__proto__", as an own data property. */
function put(object: Json, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
}

/** The instant of a v1 `created_at_utc`, as stored (UTC, `Z`); notes a naive or offset time. */
function utcOf(value: unknown, notes: string[]): string {
  if (typeof value !== "string") throw new Error("created_at_utc is missing or not a string");
  try {
    const instant = parseUtc(value);
    if (!/(?:[Zz]|[+-]00:00)$/.test(value))
      notes.push(`created_at_utc ${value} had a non-UTC offset: converted to UTC`);
    return instant.iso;
  } catch {
    // not RFC 3339 with an offset: maybe naive
  }
  try {
    const instant = parseNaiveAsUtc(value);
    notes.push(`created_at_utc was naive (${value}); taken as UTC`);
    return instant.iso;
  } catch {
    throw new Error(`created_at_utc ${JSON.stringify(value)} is not an ISO 8601 timestamp`);
  }
}

/** Collects what a conversion notes, flags and cannot place. */
class Record1 {
  readonly notes: string[] = [];
  readonly flags = new Set<V1Flag>();
  readonly unmapped: Json = {};
  readonly mismatches: LegacyHashMismatch[] = [];

  unplaced(pointer: string, value: unknown): void {
    put(this.unmapped, pointer, value);
  }

  /** Keeps the members of `object` that `known` does not list, under `base`. */
  extras(object: Json, known: ReadonlySet<string>, base: string): void {
    for (const [name, value] of Object.entries(object)) {
      if (!known.has(name)) this.unplaced(appendSegment(base, name), value);
    }
  }

  mismatch(member: LegacyHashMismatch["member"], stored: string, recomputed: string): void {
    this.flags.add(V1_FLAGS.legacyHashMismatch);
    this.mismatches.push({ member, stored, recomputed });
    this.notes.push(`v1 ${member} does not match its content (recomputed ${recomputed}): kept verbatim and flagged`);
  }
}

function convertDecision(x: V1Artifact, r: Record1): Json {
  const given = own(x, "decision");
  if (given === undefined || given === null) r.notes.push("decision missing in v1: risk_level UNKNOWN, no warnings");
  const d: Json = isObject(given) ? given : {};
  r.extras(d, DECISION_MEMBERS, "/decision");
  const out: Json = {};
  const risk = own(d, "risk_level");
  if (risk === undefined) {
    if (isObject(given)) r.notes.push("risk_level missing in v1: UNKNOWN");
    out.risk_level = "UNKNOWN";
  } else if (risk === null) {
    r.notes.push("risk_level null in v1: UNKNOWN");
    out.risk_level = "UNKNOWN";
  } else if (typeof risk === "string" && risk !== risk.toUpperCase() && RISK_LEVELS.has(risk.toUpperCase())) {
    r.notes.push(`risk_level ${JSON.stringify(risk)} lower case in v1: upper-cased`);
    out.risk_level = risk.toUpperCase();
  } else out.risk_level = risk;
  const score = own(d, "score");
  if (score !== undefined && score !== null) out.score = score;
  const reason = own(d, "block_reason");
  if (reason === "") r.notes.push("block_reason empty in v1: left out");
  else if (reason !== undefined && reason !== null) out.block_reason = reason;
  const warnings = own(d, "warnings");
  out.warnings = warnings === undefined || warnings === null ? [] : warnings;
  const details = own(d, "details");
  out.details = details === undefined || details === null ? {} : details;
  return out;
}

function convertOutputs(x: V1Artifact, r: Record1): Json {
  const given = own(x, "outputs");
  const o: Json = isObject(given) ? given : {};
  if (given !== undefined && given !== null && !isObject(given)) r.unplaced("/outputs", given);
  r.extras(o, OUTPUT_MEMBERS, "/outputs");
  const out: Json = {};
  for (const name of OUTPUT_MEMBERS) {
    const value = own(o, name);
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}

function convertAttachments(x: V1Artifact, facts: V1ImportFacts | undefined, r: Record1): unknown[] {
  const given = own(x, "attachments");
  if (given === undefined || given === null) return [];
  if (!Array.isArray(given)) return [given]; // refused by the 2.0.0 schema: the record is kept aside
  const missing = new Set(facts?.missing_blobs ?? []);
  const altered = new Set(facts?.altered_blobs ?? []);
  const elsewhere = new Set(facts?.blobs_already_stored ?? []);
  return given.map((item: unknown, i: number) => {
    if (!isObject(item)) return item;
    r.extras(item, ATTACHMENT_MEMBERS, `/attachments/${i}`);
    const ref: Json = {};
    for (const name of ATTACHMENT_MEMBERS) {
      const value = own(item, name);
      if (value !== undefined) ref[name] = value;
    }
    const sha = String(ref.sha256);
    if (missing.has(sha)) {
      r.flags.add(V1_FLAGS.attachmentBlobMissing);
      r.notes.push(`attachment blob ${sha} is missing in the v1 store: the reference is kept, the bytes are lost`);
    } else if (altered.has(sha)) {
      r.flags.add(V1_FLAGS.attachmentBlobAltered);
      r.notes.push(`attachment blob ${sha} in the v1 store does not hash to its name: not copied`);
    } else if (elsewhere.has(sha)) {
      r.notes.push(`attachment blob ${sha} is missing in the v1 store but was already in the blob store`);
    }
    return ref;
  });
}

function convertHashes(x: V1Artifact, outputs: Json, facts: V1ImportFacts | undefined, r: Record1): Json {
  const hashes: Json = {};
  const stored = (member: keyof typeof V1_HASH_MEMBERS) => own(x, member) as string | undefined;
  if (!facts) r.notes.push("legacy hashes not re-checked: the exact bytes of the v1 record were not given");
  for (const error of facts?.hash_errors ?? []) r.notes.push(`a v1 hash could not be recomputed: ${error}`);

  const request = stored("request_hash");
  if (request !== undefined) {
    hashes.feasibility_sha256 = request;
    const recomputed = facts?.feasibility_v1_sha256;
    if (recomputed !== undefined && recomputed !== request) r.mismatch("request_hash", request, recomputed);
  } else {
    hashes.feasibility_sha256 = facts?.feasibility_v1_sha256;
    r.notes.push("feasibility_sha256 derived: v1 request_hash missing (computed the v1 way from feasibility)");
  }

  const toolpathsHash = stored("toolpaths_hash");
  if (toolpathsHash !== undefined) {
    hashes.toolpaths_sha256 = toolpathsHash;
    const recomputed = facts?.toolpaths_v1_sha256;
    if (outputs.toolpaths === undefined)
      r.notes.push("v1 toolpaths_hash kept, but v1 stored no toolpaths to check it against");
    else if (recomputed !== undefined && recomputed !== toolpathsHash)
      r.mismatch("toolpaths_hash", toolpathsHash, recomputed);
  } else if (outputs.toolpaths !== undefined) {
    if (facts?.toolpaths_v1_sha256 !== undefined) {
      hashes.toolpaths_sha256 = facts.toolpaths_v1_sha256;
      r.notes.push("toolpaths_sha256 derived: v1 toolpaths_hash missing (computed the v1 way from outputs.toolpaths)");
    } else
      r.notes.push("toolpaths_sha256 not derived: v1 toolpaths_hash missing and the exact toolpaths text not given");
  }

  const gcodeHash = stored("gcode_hash");
  const gcode = outputs.gcode_text;
  if (gcodeHash !== undefined) {
    hashes.gcode_sha256 = gcodeHash;
    if (typeof gcode === "string") {
      const recomputed = sha256Hex(gcode);
      if (recomputed !== gcodeHash) r.mismatch("gcode_hash", gcodeHash, recomputed);
    } else r.notes.push("v1 gcode_hash kept, but v1 stored no gcode_text to check it against");
  } else if (typeof gcode === "string") {
    hashes.gcode_sha256 = sha256Hex(gcode);
    r.notes.push("gcode_sha256 derived: v1 gcode_hash missing (SHA-256 of the G-code's UTF-8 bytes)");
  }
  return hashes;
}

/** Converts a 1.0.0-form record to a 2.0.0 artifact (pure; see the module comment). */
export function convertV1(x: V1Artifact): StoredArtifact {
  const facts = isObject(x.v1_import) ? (x.v1_import as V1ImportFacts) : undefined;
  const r = new Record1();
  r.extras(x, TOP_MEMBERS, "");

  if (facts && Object.hasOwn(facts, "record_run_id")) {
    const recordId = facts.record_run_id;
    if (recordId === null || recordId === undefined) {
      r.notes.push("run_id missing in the v1 record: its runs.json key is its id");
    } else {
      r.flags.add(V1_FLAGS.runIdDisagreesWithKey);
      r.notes.push(
        `run_id ${JSON.stringify(recordId)} in the v1 record disagrees with its runs.json key: imported under the key, the id v1 clients fetched it by`,
      );
    }
  }
  const created = utcOf(x.created_at_utc, r.notes);

  let status = own(x, "status");
  if (typeof status === "string" && status !== status.toUpperCase() && STATUSES.has(status.toUpperCase())) {
    r.notes.push(`status ${JSON.stringify(status)} lower case in v1: upper-cased`);
    status = status.toUpperCase();
  }
  const decision = convertDecision(x, r);
  const outputs = convertOutputs(x, r);
  const attachments = convertAttachments(x, facts, r);
  const hashes = convertHashes(x, outputs, facts, r);

  let meta = own(x, "meta");
  if (meta === undefined || meta === null) {
    r.notes.push(`meta ${meta === null ? "null" : "missing"} in v1: {}`);
    meta = {};
  }

  const provenance: Json = {
    source: V1_IMPORT_SOURCE,
    hash_method: V1_HASH_METHOD,
    notes: r.notes,
    flags: [...r.flags],
  };
  if (facts) {
    provenance.v1_record_sha256 = facts.record_sha256;
    if (facts.record_location) provenance.v1_record_location = { ...facts.record_location };
    if (Object.hasOwn(facts, "record_run_id")) provenance.v1_record_run_id = facts.record_run_id ?? null;
    if (facts.imported_at_utc !== undefined) provenance.imported_at_utc = facts.imported_at_utc;
    if (facts.imported_by !== undefined) provenance.imported_by = facts.imported_by;
  }
  if (Object.keys(r.unmapped).length > 0) provenance.v1_unmapped = r.unmapped;
  if (r.mismatches.length > 0) provenance.legacy_hash_mismatches = r.mismatches;

  return {
    schema_version: V1_TARGET_VERSION,
    run_id: x.run_id,
    created_at_utc: created,
    mode: own(x, "mode"),
    tool_id: own(x, "tool_id"),
    status,
    request_summary: own(x, "request_summary"),
    feasibility: own(x, "feasibility"),
    decision,
    hashes,
    outputs,
    attachments,
    advisory_inputs: [],
    meta,
    // The operator who imported it, when the importer says; else the import itself.
    created_by: typeof facts?.imported_by === "string" ? facts.imported_by : V1_CREATED_BY,
    provenance,
  };
}

/** Throws when `x` is not a 1.0.0-form record this step can convert; the message is the reason. */
export function validateV1Artifact(x: StoredArtifact): void {
  if (!isObject(x)) throw new Error("not a JSON object");
  if (typeof x.schema_version !== "string" || !versionMatches(V1_VERSION_FAMILY, x.schema_version)) {
    throw new Error(`schema_version ${JSON.stringify(x.schema_version)} is not a 1.x version`);
  }
  if (typeof x.run_id !== "string" || !LEGACY_RUN_ID_PATTERN.test(x.run_id)) {
    throw new Error(`run_id ${JSON.stringify(x.run_id)} is not a v1 run id (run_ + 12 lowercase hex)`);
  }
  utcOf(x.created_at_utc, []);
  const facts = own(x, "v1_import");
  if (facts !== undefined && (!isObject(facts) || typeof facts.record_sha256 !== "string")) {
    throw new Error("v1_import must be an object with record_sha256");
  }
  if (!isObject(own(x, "feasibility"))) {
    throw new Error(
      "feasibility is missing or not an object: the record holds no feasibility evaluation, so it has nothing to audit and no feasibility hash can be derived",
    );
  }
  for (const member of Object.keys(V1_HASH_MEMBERS)) {
    const value = own(x, member);
    if (value === null) throw new Error(`${member} is null: in the 1.0.0 form a missing hash is left out`);
    if (value !== undefined && typeof value !== "string") throw new Error(`${member} is not a string`);
  }
  if (
    own(x, "request_hash") === undefined &&
    typeof (facts as V1ImportFacts | undefined)?.feasibility_v1_sha256 !== "string"
  ) {
    throw new Error(
      "request_hash is missing and cannot be derived: a v1 hash needs the exact number text of the record (v1_import facts)",
    );
  }
  const decision = own(x, "decision");
  if (decision !== undefined && decision !== null && !isObject(decision)) throw new Error("decision is not an object");
}

/** Throws when `artifact` is not a valid imported 2.0.0 artifact. */
export function validateImportedArtifact(artifact: StoredArtifact): void {
  const parsed = RunArtifactSchema.safeParse(artifact);
  if (!parsed.success) {
    throw new Error(
      `the converted artifact is not a valid 2.0.0 artifact: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ")}`,
    );
  }
  const p = artifact.provenance as Json | undefined;
  if (p?.source !== V1_IMPORT_SOURCE || p.hash_method !== V1_HASH_METHOD) {
    throw new Error("the converted artifact does not record its v1 provenance");
  }
}

/** The registry step "1.x" → "2.0.0". */
export const v1Migration: ArtifactMigration = {
  from: V1_VERSION_FAMILY,
  to: V1_TARGET_VERSION,
  description:
    "v1 record → 2.0.0 artifact: v1 hashes kept verbatim under hashes.*, nulls left out, risk_level UNKNOWN when missing, status upper-cased, naive time taken as UTC, provenance recorded",
  hashMap: {
    "/request_hash": "/hashes/feasibility_sha256",
    "/toolpaths_hash": "/hashes/toolpaths_sha256",
    "/gcode_hash": "/hashes/gcode_sha256",
  },
  transform: (artifact) => convertV1(artifact as V1Artifact),
  validateBefore: validateV1Artifact,
  validateAfter: validateImportedArtifact,
  examples: v1MigrationExamples,
};
