/**
 * Which keys of a runs.json the import has met before, in memory that does not grow with
 * the records imported. A later record under a key already read is a duplicate (kept
 * aside; the first one is taken). Remembering every key read would cost memory for every
 * record (about 60 MB a million, and the garbage collector's time to walk it, again and
 * again); instead the run store itself answers for the common case. A first record
 * whose outcome left the store holding a run imported from exactly it — imported now,
 * or already present from an earlier run over the same runs.json — is recognised there:
 * that run's provenance names this runs.json and an earlier offset
 * ({@link isEarlierRecordOfSameFile}). Only the other first records are kept here: those
 * in flight (at most the import's concurrency), and those whose outcome the store cannot
 * show — kept aside, already present from another runs.json, or (in a dry run, which
 * writes nothing) imported. So the memory grows with the failures, not the imports.
 */
import type { V1Provenance } from "./provenance.js";

export class DuplicateKeys {
  /** Keys whose first record is being processed. */
  readonly #inFlight = new Set<string>();
  /** Keys whose first record's outcome the store does not show. */
  readonly #remembered = new Set<string>();

  /** Whether a record under `key` was read before and is known here (in flight, or remembered). */
  metBefore(key: string): boolean {
    return this.#inFlight.has(key) || this.#remembered.has(key);
  }

  /** The first record under `key` is being processed. */
  started(key: string): void {
    this.#inFlight.add(key);
  }

  /**
   * The first record under `key` is settled; `shownByStore`: the store now holds a run
   * imported from exactly that record of this runs.json (else the key is remembered).
   */
  settled(key: string, shownByStore: boolean): void {
    if (!shownByStore) this.#remembered.add(key);
    this.#inFlight.delete(key);
  }

  /** Keys remembered (for tests and reports). */
  get rememberedCount(): number {
    return this.#remembered.size;
  }
}

/**
 * Whether a stored run's v1 provenance shows it was imported from a record of the
 * runs.json with SHA-256 `runsJsonSha256` at an offset before `offset`: then the record
 * at `offset` is a later one under the same key.
 */
export function isEarlierRecordOfSameFile(
  provenance: V1Provenance | undefined,
  runsJsonSha256: string,
  offset: number,
): boolean {
  const location = provenance?.v1_record_location;
  return location?.runs_json_sha256 === runsJsonSha256 && location.offset < offset;
}

/** Whether a stored run's v1 provenance shows it was imported from exactly the record at `offset` of that runs.json. */
export function isThisRecord(provenance: V1Provenance | undefined, runsJsonSha256: string, offset: number): boolean {
  const location = provenance?.v1_record_location;
  return location?.runs_json_sha256 === runsJsonSha256 && location.offset === offset;
}
