/**
 * The idempotency port: remembers `Idempotency-Key`s of run creations across restarts.
 *
 * A key is reserved (state `in_flight`, with the run id it will create and the boot id
 * of the process that owns it) before the run is written, and marked `done` after.
 * A reservation left `in_flight` by a process that died is resolved by the next
 * request with that key: if the run it named was written, the key is done; if not,
 * the reservation is taken over.
 */
import { token } from "../token.js";

export interface IdempotencyRecord {
  readonly key: string;
  readonly request_sha256: string;
  readonly run_id: string;
  readonly state: "in_flight" | "done";
  readonly owner: string;
}

export interface IdempotencyStore {
  /** Reserves `key`; when it exists already, answers the existing record instead. */
  reserve(record: IdempotencyRecord): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }>;
  /** Marks a reservation done. */
  complete(key: string): Promise<void>;
  /** Drops a reservation whose run was not created (validation failed). */
  release(key: string, owner: string): Promise<void>;
  /** Replaces a stale reservation (owner `staleOwner`) with `record`; false if it changed meanwhile. */
  takeOver(staleOwner: string, record: IdempotencyRecord): Promise<boolean>;
}

export const IDEMPOTENCY_STORE = token<IdempotencyStore>("IdempotencyStore");
