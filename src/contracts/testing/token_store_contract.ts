/**
 * The contract-test kit of the token store port: `tokenStoreContract(name, factory)`
 * registers node:test suites that every {@link TokenStore} backend must pass (SQLite
 * and PostgreSQL). What it checks: a stored token reads back exactly, with its
 * digest and roles; `list` shows every token oldest first and never a digest; a token
 * id cannot be stored twice; revocation happens once (a second keeps the first time,
 * an unknown id says so); and a revocation through one connection is seen at once
 * through another one to the same store — the "every instance" promise.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import type { NewTokenRecord, TokenStore } from "../ports/token_store.js";

/** A store under test. */
export interface TokenStoreFixture {
  readonly store: TokenStore;
  /** A second, independent connection to the same store (another service instance). */
  openAnother(): Promise<TokenStore>;
  /** Closes every connection and removes what the store holds. */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty, migrated store. */
export type TokenStoreFactory = () => Promise<TokenStoreFixture>;

let counter = 0;

/** A token record for tests, with a unique id and a random digest. */
export function sampleTokenRecord(overrides: Partial<NewTokenRecord> = {}): NewTokenRecord {
  counter++;
  const id = `tok_01HZZZZZZZZZZZZZZZZZZ${String(counter).padStart(4, "0")}`;
  return {
    token_id: id,
    name: `ci-${counter}`,
    roles: ["writer"],
    secret_sha256: createHash("sha256").update(randomBytes(32)).digest("hex"),
    created_at_utc: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    created_by: "cli:tester",
    expires_at_utc: null,
    ...overrides,
  };
}

async function withStore(factory: TokenStoreFactory, body: (fx: TokenStoreFixture) => Promise<void>): Promise<void> {
  const fx = await factory();
  try {
    await body(fx);
  } finally {
    await fx.dispose();
  }
}

/** Registers the token store contract suites for one backend. */
export function tokenStoreContract(name: string, factory: TokenStoreFactory): void {
  describe(`token store contract: ${name}`, () => {
    test("a stored token reads back exactly, with its digest and roles", () =>
      withStore(factory, async ({ store }) => {
        const record = sampleTokenRecord({
          roles: ["auditor", "reviewer"],
          expires_at_utc: "2027-01-01T00:00:00.000Z",
        });
        await store.insert(record);
        assert.deepEqual(await store.find(record.token_id), { ...record, revoked_at_utc: null, revoked_by: null });
        assert.equal(await store.find("tok_01HZZZZZZZZZZZZZZZZZZZZZZZ"), undefined);
      }));

    test("list shows every token oldest first and never a digest", () =>
      withStore(factory, async ({ store }) => {
        const later = sampleTokenRecord({ created_at_utc: "2026-02-01T00:00:00.000Z" });
        const earlier = sampleTokenRecord({ created_at_utc: "2026-01-01T00:00:00.000Z", name: later.name });
        await store.insert(later);
        await store.insert(earlier);
        const listed = await store.list();
        assert.deepEqual(
          listed.map((t) => t.token_id),
          [earlier.token_id, later.token_id],
        );
        for (const t of listed) {
          assert.equal("secret_sha256" in t, false);
          assert.equal(JSON.stringify(t).includes(later.secret_sha256), false);
          assert.equal(JSON.stringify(t).includes(earlier.secret_sha256), false);
        }
      }));

    test("a token id cannot be stored twice", () =>
      withStore(factory, async ({ store }) => {
        const record = sampleTokenRecord();
        await store.insert(record);
        await assert.rejects(store.insert({ ...record, name: "other" }));
        assert.equal((await store.find(record.token_id))?.name, record.name);
      }));

    test("revocation happens once: a second keeps the first time; an unknown id says so", () =>
      withStore(factory, async ({ store }) => {
        const record = sampleTokenRecord();
        await store.insert(record);
        const first = new Date("2026-03-01T10:00:00.000Z");
        assert.deepEqual(await store.revoke(record.token_id, first, "cli:alice"), {
          outcome: "revoked",
          revoked_at_utc: first.toISOString(),
        });
        assert.deepEqual(await store.revoke(record.token_id, new Date("2026-03-02T00:00:00.000Z"), "cli:bob"), {
          outcome: "already_revoked",
          revoked_at_utc: first.toISOString(),
        });
        const stored = await store.find(record.token_id);
        assert.equal(stored?.revoked_at_utc, first.toISOString());
        assert.equal(stored?.revoked_by, "cli:alice");
        assert.deepEqual(await store.revoke("tok_01HZZZZZZZZZZZZZZZZZZZZZZZ", first, "cli:alice"), {
          outcome: "unknown",
        });
      }));

    test("a revocation through one connection is seen at once through another (every instance)", () =>
      withStore(factory, async ({ store, openAnother }) => {
        const other = await openAnother();
        const record = sampleTokenRecord();
        await store.insert(record);
        assert.equal((await other.find(record.token_id))?.revoked_at_utc, null);
        await store.revoke(record.token_id, new Date(), "cli:alice");
        assert.notEqual((await other.find(record.token_id))?.revoked_at_utc, null);
      }));
  });
}
