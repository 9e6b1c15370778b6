/**
 * Identifier patterns and generators.
 *
 * Every id that arrives in a request is checked against its pattern before it
 * reaches storage, so that no id can name a path outside the data root. New ids are
 * ULIDs from a monotonic factory (ids made by one process sort even within one
 * millisecond); the time encoded in a run id is the run's `created_at_utc`.
 */
import { randomFillSync } from "node:crypto";
import { decodeTime, monotonicFactory, ulid } from "ulid";

const ULID = "[0-9A-HJKMNP-TV-Z]{26}";

/** A run id: `run_` + ULID (new runs) or `run_` + 12 lowercase hex (imported from v1). */
export const RUN_ID_PATTERN = new RegExp(`^run_(?:${ULID}|[0-9a-f]{12})$`);
/** An advisory asset id: `adv_` + ULID. */
export const ADVISORY_ID_PATTERN = new RegExp(`^adv_${ULID}$`);
/** A workflow session id: `wfs_` + ULID. */
export const SESSION_ID_PATTERN = new RegExp(`^wfs_${ULID}$`);
/** A SHA-256 digest: 64 lowercase hex characters. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** A run id imported from v1. */
export const LEGACY_RUN_ID_PATTERN = /^run_[0-9a-f]{12}$/;

/**
 * The random source of new ids: bytes of the system's CSPRNG, drawn from a pool
 * refilled 4 KiB at a time. The library's default draws each of an id's 16 random
 * characters with its own `getRandomValues` call on a fresh one-byte array (~2.5 % of a
 * create's CPU); a byte / 256 is the same value that default answers.
 */
const randomPool = new Uint8Array(4096);
let randomNext = randomPool.length;
function pooledRandom(): number {
  if (randomNext === randomPool.length) {
    randomFillSync(randomPool);
    randomNext = 0;
  }
  return (randomPool[randomNext++] as number) / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/**
 * A new id with `prefix`, and the millisecond time it encodes. Without `at`, ids come
 * from the monotonic factory (now); with `at`, the id encodes exactly that time (for
 * tests and imports of past events).
 */
export function newId(prefix: "run" | "adv" | "wfs", at?: number): { id: string; time: number } {
  const value = at === undefined ? nextUlid(Date.now()) : ulid(at, pooledRandom);
  // The monotonic factory keeps the last time when the clock steps back; use the
  // time the id really encodes so that id and timestamp always agree.
  return { id: `${prefix}_${value}`, time: decodeTime(value) };
}

/** Whether `value` is a well-formed run id. */
export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}
