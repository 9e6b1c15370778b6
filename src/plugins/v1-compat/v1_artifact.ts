/**
 * The "1.0.0" form of a v1 record: what the v1 → 2.0.0 migration of the schema
 * registry reads. v1 records carry no schema version; this plugin reads each as version
 * "1.0.0" (a record that names a "1.x" version keeps it). The form is the record as
 * JSON values (numbers as JS numbers) with three changes the registry's invariants need:
 * `run_id` is the key the record was filed under in runs.json (the id v1 clients used;
 * SPEC: ids never change), a hash member that v1 wrote as `null` is left out (v1 wrote
 * None for "no hash"; absent and null mean the same, and the registry checks that every
 * hash present before the step is kept verbatim), and a `v1_import` member carries the
 * facts the JSON values alone cannot: the SHA-256 of the record's exact bytes and where
 * they are kept, the record's own run_id when it was not its key, the v1 hashes of its
 * feasibility and toolpaths recomputed from the exact number text (`1.0` hashes unlike
 * `1`, and JS numbers cannot tell them apart), which attachment blobs were missing or
 * altered in the v1 store, and when the import started. Building the form is pure.
 */
import { SHA256_PATTERN } from "../../contracts/ids.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";
import { V1HashError, v1Sha256 } from "./python_json.js";
import { V1_SCHEMA_VERSION, type V1RecordLocation } from "./provenance.js";
import { type PlainJson, toPlainJson, type V1Object, type V1Value } from "./v1_value.js";

/** The v1 members that hold hashes, and where the 2.0.0 artifact keeps each. */
export const V1_HASH_MEMBERS = {
  request_hash: "feasibility_sha256",
  toolpaths_hash: "toolpaths_sha256",
  gcode_hash: "gcode_sha256",
} as const;
export type V1HashMember = keyof typeof V1_HASH_MEMBERS;

/** Facts about a record that its JSON values cannot carry (see the module comment). */
export interface V1ImportFacts {
  /** SHA-256 of the record's exact bytes in runs.json. */
  readonly record_sha256: string;
  /** Where those bytes are kept. */
  readonly record_location?: V1RecordLocation;
  /** Present when the record's own run_id is not its key: that run_id (null when it had none). */
  readonly record_run_id?: unknown;
  /** The v1 hash of `feasibility`, from the exact number text. */
  readonly feasibility_v1_sha256?: string;
  /** The v1 hash of `outputs.toolpaths`, from the exact number text. */
  readonly toolpaths_v1_sha256?: string;
  /** Why a v1 hash could not be recomputed (e.g. a lone surrogate Python could not encode). */
  readonly hash_errors?: readonly string[];
  /** Attachment blobs not found in the v1 store nor in the blob store. */
  readonly missing_blobs?: readonly string[];
  /** Attachment blobs whose v1 file does not hash to its name (not copied). */
  readonly altered_blobs?: readonly string[];
  /** Attachment blobs missing in the v1 store but already in the blob store. */
  readonly blobs_already_stored?: readonly string[];
  /** When the import of this runs.json first started. */
  readonly imported_at_utc?: string;
  /** The operator principal that ran the import (`cli:<name>`); the artifact's created_by. */
  readonly imported_by?: string;
}

/** A v1 record in its 1.0.0 form. */
export interface V1Artifact extends StoredArtifact {
  readonly v1_import?: V1ImportFacts;
}

/** A record that has no 1.0.0 form; `reason` says why (it is kept aside with it). */
export class V1RecordError extends Error {
  override readonly name = "V1RecordError";
}

/** The v1 hashes of a record's content, computed from the exact number text. */
export interface V1ContentHashes {
  readonly feasibility?: string;
  readonly toolpaths?: string;
  readonly errors: string[];
}

function memberOf(value: V1Value | undefined, name: string): V1Value | undefined {
  return value instanceof Map ? (value as V1Object).get(name) : undefined;
}

/**
 * The v1 hashes of `feasibility` and of `outputs.toolpaths` (when present and not null),
 * as v1 computed them; a value Python could not have hashed is reported in `errors`.
 */
export function v1ContentHashes(record: V1Object): V1ContentHashes {
  const errors: string[] = [];
  const hash = (name: string, value: V1Value | undefined): string | undefined => {
    if (value === undefined || value === null) return undefined;
    try {
      return v1Sha256(value);
    } catch (error) {
      if (!(error instanceof V1HashError)) throw error;
      errors.push(`${name}: ${error.message}`);
      return undefined;
    }
  };
  const feasibility = hash("feasibility", record.get("feasibility"));
  const toolpaths = hash("outputs.toolpaths", memberOf(record.get("outputs"), "toolpaths"));
  return {
    ...(feasibility !== undefined ? { feasibility } : {}),
    ...(toolpaths !== undefined ? { toolpaths } : {}),
    errors,
  };
}

/**
 * The SHA-256 names of the attachments a record references, for copying their blobs.
 * Only names that are 64 lowercase hex are answered: anything else never becomes a path
 * (and the record fails the 2.0.0 schema, so it is kept aside).
 */
export function attachmentShas(record: V1Object): string[] {
  const list = record.get("attachments");
  if (!Array.isArray(list)) return [];
  const shas = new Set<string>();
  for (const item of list as V1Value[]) {
    const sha = memberOf(item, "sha256");
    if (typeof sha === "string" && SHA256_PATTERN.test(sha)) shas.add(sha);
  }
  return [...shas];
}

/** The record's own run_id member, as plain JSON (undefined when it has none). */
export function recordRunId(record: V1Object): PlainJson | undefined {
  const id = record.get("run_id");
  return id === undefined ? undefined : toPlainJson(id);
}

/**
 * Builds the 1.0.0 form of `record`, filed under `key` in runs.json, with `facts`.
 * Throws {@link V1RecordError} when the record is not a JSON object, carries a member
 * this form reserves (`v1_import`), or names a schema_version that is not a "1.x" one.
 */
export function toV1Artifact(key: string, record: V1Value, facts: V1ImportFacts): V1Artifact {
  if (!(record instanceof Map)) throw new V1RecordError("the record is not a JSON object");
  const plain = toPlainJson(record) as Record<string, PlainJson>;
  if (Object.hasOwn(plain, "v1_import")) {
    throw new V1RecordError("the record has a member named v1_import, which the importer reserves");
  }
  let version = V1_SCHEMA_VERSION;
  if (Object.hasOwn(plain, "schema_version")) {
    const named = plain.schema_version;
    if (typeof named !== "string" || !/^1(?:\.\d{1,6}){0,2}$/.test(named)) {
      throw new V1RecordError(
        `the record names schema_version ${JSON.stringify(named)}: a v1 record has none or a 1.x one`,
      );
    }
    version = named;
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(plain)) {
    if (name === "run_id" || name === "schema_version") continue;
    if (Object.hasOwn(V1_HASH_MEMBERS, name) && value === null) continue;
    Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
  }
  return { ...out, schema_version: version, run_id: key, v1_import: facts } as V1Artifact;
}
