/**
 * What an artifact imported from v1 records about its origin, in `provenance`: the
 * names every part of the plugin agrees on (source, hash method, flags, the version a
 * v1 record is read as) and the shape of the members the importer adds beside the
 * required `source`, `hash_method`, `notes` and `flags`. Notes say what the importer did
 * to a record by rule (SPEC mapping table: naive time taken as UTC, a hash derived, a
 * status upper-cased); flags say what a person should look at (a legacy hash that does
 * not match its content, a run_id that disagrees with its key, a lost blob). Nothing
 * here depends on the clock: `imported_at_utc` is given by the importer.
 */

/** The schema version a v1 record (which carries none) is read as. */
export const V1_SCHEMA_VERSION = "1.0.0";
/** The family of versions the v1 migration reads. */
export const V1_VERSION_FAMILY = "1.x";
/** `provenance.source` of every imported artifact. */
export const V1_IMPORT_SOURCE = "v1-import";
/** `created_by` of an imported artifact whose import named no operator (`imported_by`). */
export const V1_CREATED_BY = "v1-import";
/**
 * `provenance.hash_method`: SHA-256 of the UTF-8 bytes of Python's
 * `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` over the
 * values as v1 held them (number text as written). G-code stays SHA-256 of its UTF-8 bytes.
 */
export const V1_HASH_METHOD = "v1-python-json-sha256";

/** The flags an import can raise: each one asks a person to look at the run. */
export const V1_FLAGS = {
  /** A v1 hash (request_hash, toolpaths_hash or gcode_hash) does not match its own content. */
  legacyHashMismatch: "legacy_hash_mismatch",
  /** The record's own run_id is not the key it was filed under in runs.json. */
  runIdDisagreesWithKey: "run_id_disagrees_with_key",
  /** An attachment's blob is not in the v1 store (nor already in the blob store). */
  attachmentBlobMissing: "attachment_blob_missing",
  /** An attachment's blob in the v1 store does not hash to its name: it was not copied. */
  attachmentBlobAltered: "attachment_blob_altered",
} as const;
export type V1Flag = (typeof V1_FLAGS)[keyof typeof V1_FLAGS];

/** Where the exact bytes of an imported record are kept: a byte range of a runs.json backup. */
export interface V1RecordLocation {
  /** The SHA-256 of the backed-up runs.json (its backup file is named by it). */
  readonly runs_json_sha256: string;
  /** Byte offset of the record's first byte in that file. */
  readonly offset: number;
  /** The record's length in bytes. */
  readonly length: number;
}

/** A v1 hash that does not match the content it names; kept verbatim, recorded here. */
export interface LegacyHashMismatch {
  readonly member: "request_hash" | "toolpaths_hash" | "gcode_hash";
  readonly stored: string;
  readonly recomputed: string;
}

/** The provenance of an imported artifact. */
export interface V1Provenance {
  readonly source: typeof V1_IMPORT_SOURCE;
  readonly hash_method: typeof V1_HASH_METHOD;
  readonly notes: string[];
  readonly flags: V1Flag[];
  /** SHA-256 of the record's exact bytes in runs.json (what v1 stored, byte for byte). */
  readonly v1_record_sha256?: string;
  /** Where those bytes are kept. */
  readonly v1_record_location?: V1RecordLocation;
  /** The record's own run_id when it was not its key (null: the record had none). */
  readonly v1_record_run_id?: unknown;
  /** v1 members the v2 schema has no place for, by JSON Pointer into the v1 record. */
  readonly v1_unmapped?: Record<string, unknown>;
  readonly legacy_hash_mismatches?: LegacyHashMismatch[];
  /** When the import of this runs.json first started (the same for every run of it). */
  readonly imported_at_utc?: string;
  /** The operator principal that imported the run (`rmos v1 migrate --as`, default `cli:<os user>`). */
  readonly imported_by?: string;
}

/** The provenance of an artifact if it was imported from v1, else undefined. */
export function v1ProvenanceOf(artifact: object): V1Provenance | undefined {
  const p = (artifact as { readonly provenance?: unknown }).provenance;
  if (typeof p !== "object" || p === null || Array.isArray(p)) return undefined;
  const candidate = p as Partial<V1Provenance>;
  return candidate.source === V1_IMPORT_SOURCE && candidate.hash_method === V1_HASH_METHOD
    ? (candidate as V1Provenance)
    : undefined;
}
