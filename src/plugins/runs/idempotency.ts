/**
 * `Idempotency-Key` handling for POST /runs, as a policy of its own.
 *
 * Same key and same body → the same run (200, replayed); same key and another body →
 * 422; the same key while its first request is still being served → 409. A
 * reservation left in flight by a process that crashed is resolved from the store:
 * if the run it named was written, the key answers that run; if not, the new request
 * takes the reservation over.
 */
import { canonicalSha256 } from "../../contracts/hashing.js";
import type { IdempotencyStore } from "../../contracts/ports/idempotency_store.js";
import type { RunStore } from "../../contracts/ports/run_store.js";
import { ProblemError } from "../../contracts/problem.js";

/** The decision for one request with a key. */
export type IdempotencyOutcome =
  | { readonly kind: "proceed"; readonly runId: string; readonly time: number }
  | { readonly kind: "replay"; readonly runId: string };

const KEY = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyGate {
  constructor(
    private readonly keys: IdempotencyStore,
    private readonly runs: RunStore,
    /** identifies this process; reservations of other boot ids are stale after a crash */
    private readonly bootId: string,
  ) {}

  /** Validates the header value; throws 400. */
  static checkKey(key: string): void {
    if (!KEY.test(key)) {
      throw new ProblemError(400, "Idempotency-Key must be 1–255 visible ASCII characters", {
        slug: "validation",
        errors: [
          {
            location: "header",
            pointer: "idempotency-key",
            message: "1–255 visible ASCII characters",
            code: "invalid_string",
          },
        ],
      });
    }
  }

  /** Reserves `key` for a new run (id and time from `next`), or answers the run it already names. */
  async enter(key: string, body: unknown, next: () => { id: string; time: number }): Promise<IdempotencyOutcome> {
    const fingerprint = canonicalSha256(body);
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = next();
      const record = {
        key,
        request_sha256: fingerprint,
        run_id: fresh.id,
        state: "in_flight" as const,
        owner: this.bootId,
      };
      const result = await this.keys.reserve(record);
      if (result.reserved) return { kind: "proceed", runId: fresh.id, time: fresh.time };
      const existing = result.existing;
      if (existing.request_sha256 !== fingerprint) {
        throw new ProblemError(422, "this Idempotency-Key was used with a different request body", {
          slug: "idempotency-key-reused",
        });
      }
      if (existing.state === "done") return { kind: "replay", runId: existing.run_id };
      if (existing.owner === this.bootId) {
        throw new ProblemError(409, "a request with this Idempotency-Key is still in progress; retry later", {
          slug: "idempotency-in-flight",
        });
      }
      // Left in flight by a process that stopped: did its run land?
      if (await this.runs.has(existing.run_id)) {
        await this.keys.complete(key);
        return { kind: "replay", runId: existing.run_id };
      }
      if (await this.keys.takeOver(existing.owner, record))
        return { kind: "proceed", runId: fresh.id, time: fresh.time };
    }
    throw new ProblemError(409, "this Idempotency-Key is contended; retry later", { slug: "idempotency-in-flight" });
  }

  /** Marks the key's run as created. */
  complete(key: string): Promise<void> {
    return this.keys.complete(key);
  }

  /** Frees the key after a failed create, so that a corrected retry can use it. */
  release(key: string): Promise<void> {
    return this.keys.release(key, this.bootId);
  }
}
