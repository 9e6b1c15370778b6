/**
 * The IdempotencyStore contract kit: what every store of `Idempotency-Key`
 * reservations must do (SQLite embedded today, PostgreSQL next). Call
 * `idempotencyStoreContract(name, factory)` in a test file; it registers node:test
 * suites, each against a fresh, empty store.
 *
 * What it checks: a key is reserved once (the second reservation answers the first
 * record, whatever it asks); of concurrent reservations of one key exactly one wins;
 * `complete` marks it done; `release` drops only the owner's in-flight reservation;
 * `takeOver` replaces only an in-flight reservation still held by the stale owner.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import type { IdempotencyRecord, IdempotencyStore } from "../ports/idempotency_store.js";

export interface IdempotencyStoreUnderTest {
  readonly store: IdempotencyStore;
  /** Closes the store and removes its data. */
  cleanup(): Promise<void>;
}

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);

/** A fresh in-flight reservation of a new key. */
function reservation(fields: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    key: `key-${randomUUID()}`,
    request_sha256: HASH_A,
    run_id: "run_01JN0000000000000000000001",
    state: "in_flight",
    owner: "boot-1",
    ...fields,
  };
}

/** The stored record of `key` (read through a reservation that cannot win). */
async function storedRecord(store: IdempotencyStore, key: string): Promise<IdempotencyRecord | undefined> {
  const probe = await store.reserve(reservation({ key, owner: "probe", request_sha256: HASH_B }));
  assert.equal(probe.reserved, false, `${key} is reserved already`);
  return probe.reserved ? undefined : probe.existing;
}

/** Registers the IdempotencyStore contract suites for the backend made by `factory`. */
export function idempotencyStoreContract(name: string, factory: () => Promise<IdempotencyStoreUnderTest>): void {
  const withStore = (fn: (store: IdempotencyStore) => Promise<void>) => async () => {
    const { store, cleanup } = await factory();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };

  describe(`IdempotencyStore contract: ${name}`, () => {
    test(
      "a key is reserved once: a second reservation answers the first record, whatever it asks",
      withStore(async (store) => {
        const first = reservation();
        assert.deepEqual(await store.reserve(first), { reserved: true });
        const second = await store.reserve({
          ...first,
          request_sha256: HASH_B,
          run_id: "run_01JN0000000000000000000002",
          owner: "boot-2",
        });
        assert.deepEqual(second, { reserved: false, existing: first });
      }),
    );

    test(
      "of concurrent reservations of one key exactly one wins; the others see the winner",
      withStore(async (store) => {
        const key = `key-${randomUUID()}`;
        const attempts = Array.from({ length: 6 }, (_, i) =>
          reservation({ key, owner: `boot-${i}`, run_id: `run_01JN000000000000000000000${i}` }),
        );
        const outcomes = await Promise.all(attempts.map((r) => store.reserve(r)));
        const winners = outcomes.filter((o) => o.reserved);
        assert.equal(winners.length, 1);
        const winner = attempts[outcomes.findIndex((o) => o.reserved)];
        for (const o of outcomes) if (!o.reserved) assert.deepEqual(o.existing, winner);
      }),
    );

    test(
      "complete marks a reservation done",
      withStore(async (store) => {
        const r = reservation();
        await store.reserve(r);
        await store.complete(r.key);
        assert.deepEqual(await storedRecord(store, r.key), { ...r, state: "done" });
      }),
    );

    test(
      "release drops the owner's in-flight reservation only: not another owner's, not a done one",
      withStore(async (store) => {
        const mine = reservation();
        await store.reserve(mine);
        await store.release(mine.key, "someone-else");
        assert.deepEqual(await storedRecord(store, mine.key), mine, "another owner cannot release it");
        await store.release(mine.key, mine.owner);
        assert.deepEqual(await store.reserve(mine), { reserved: true }, "released: the key is free again");

        const done = reservation();
        await store.reserve(done);
        await store.complete(done.key);
        await store.release(done.key, done.owner);
        assert.deepEqual(await storedRecord(store, done.key), { ...done, state: "done" }, "a done key stays");
      }),
    );

    test(
      "takeOver replaces an in-flight reservation still held by the stale owner, and nothing else",
      withStore(async (store) => {
        const stale = reservation({ owner: "dead-boot" });
        await store.reserve(stale);
        const next = { ...stale, owner: "new-boot", run_id: "run_01JN0000000000000000000009", request_sha256: HASH_B };
        assert.equal(await store.takeOver("not-the-owner", next), false);
        assert.deepEqual(await storedRecord(store, stale.key), stale);
        assert.equal(await store.takeOver("dead-boot", next), true);
        assert.deepEqual(await storedRecord(store, stale.key), next);
        assert.equal(await store.takeOver("dead-boot", { ...next, owner: "third" }), false, "taken over already");

        const done = reservation({ owner: "dead-boot" });
        await store.reserve(done);
        await store.complete(done.key);
        assert.equal(await store.takeOver("dead-boot", { ...done, owner: "new-boot" }), false, "a done key is final");
        assert.deepEqual(await storedRecord(store, done.key), { ...done, state: "done" });
      }),
    );

    test(
      "concurrent take-overs of one stale reservation: exactly one succeeds",
      withStore(async (store) => {
        const stale = reservation({ owner: "dead-boot" });
        await store.reserve(stale);
        const results = await Promise.all(
          ["b1", "b2", "b3"].map((owner) => store.takeOver("dead-boot", { ...stale, owner })),
        );
        assert.equal(results.filter(Boolean).length, 1);
      }),
    );
  });
}
