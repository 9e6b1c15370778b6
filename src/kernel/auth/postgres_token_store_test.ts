/**
 * The PostgreSQL token store: the token store contract kit as the app role (the
 * service's privileges only) on a fresh database migrated by an ordinary owner, each
 * `openAnother` a separate pool standing for another instance; plus what the triggers
 * and grants promise — a token row cannot be deleted or truncated and changes only by
 * one revocation, as the owner too, and the app role holds no DELETE.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type pg from "pg";
import { sampleTokenRecord, tokenStoreContract } from "../../contracts/testing/token_store_contract.js";
import { PostgresDatabase } from "../db/postgres/database.js";
import { loadPostgresMigrations, migratePostgres } from "../db/postgres/migrator.js";
import { type RolesTestDatabase, testDatabaseWithRoles } from "../../testing/postgres_schema.js";
import { PostgresTokenStore, TOKEN_MIGRATIONS_POSTGRES } from "./postgres_token_store.js";
import { TOKEN_MIGRATIONS_OWNER } from "./sqlite_token_store.js";

const PERMISSION_DENIED = "42501";
const REFUSED_BY_TRIGGER = "23001";

/** A fresh database holding the kernel's and the token store's tables, migrated by its owner for its app role. */
async function tokenDatabase(): Promise<RolesTestDatabase> {
  const db = await testDatabaseWithRoles();
  const owner = db.pool({ max: 1, user: db.owner });
  try {
    await migratePostgres(
      PostgresDatabase.onPool(owner),
      loadPostgresMigrations([{ plugin: TOKEN_MIGRATIONS_OWNER, dir: TOKEN_MIGRATIONS_POSTGRES }]),
      { appRole: db.appRole },
    );
    return db;
  } catch (error) {
    await db.drop();
    throw error;
  }
}

tokenStoreContract("PostgreSQL (app role)", async () => {
  const db = await tokenDatabase();
  return {
    store: new PostgresTokenStore(db.pool({ user: db.appRole })),
    openAnother: async () => new PostgresTokenStore(db.pool({ user: db.appRole })),
    dispose: () => db.drop(),
  };
});

async function refused(pool: pg.Pool, sql: string, params: unknown[], code: string, message: RegExp): Promise<void> {
  await assert.rejects(pool.query(sql, params), (error: { code?: string; message: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

test("PostgreSQL: a token row cannot be deleted, un-revoked or edited, as the app role or the owner", async () => {
  const db = await tokenDatabase();
  try {
    const app = db.pool({ user: db.appRole });
    const owner = db.pool({ user: db.owner });
    const store = new PostgresTokenStore(app);
    const record = sampleTokenRecord({ roles: ["auditor"] });
    await store.insert(record);
    const id = [record.token_id];
    await refused(app, "DELETE FROM auth_tokens WHERE token_id = $1", id, PERMISSION_DENIED, /permission denied/);
    await refused(app, "TRUNCATE auth_tokens", [], PERMISSION_DENIED, /permission denied/);
    for (const pool of [app, owner]) {
      await refused(
        pool,
        "UPDATE auth_tokens SET roles = 'admin' WHERE token_id = $1",
        id,
        REFUSED_BY_TRIGGER,
        /only change allowed/,
      );
      await refused(
        pool,
        "UPDATE auth_tokens SET revoked_at_utc = '2026-01-01T00:00:00.000Z' WHERE token_id = $1",
        id,
        REFUSED_BY_TRIGGER,
        /only change allowed/,
      );
      await refused(
        pool,
        "UPDATE auth_tokens SET revoked_at_utc = 'x', revoked_by = 'y', secret_sha256 = $2 WHERE token_id = $1",
        [record.token_id, "0".repeat(64)],
        REFUSED_BY_TRIGGER,
        /only change allowed/,
      );
    }
    await refused(owner, "DELETE FROM auth_tokens", [], REFUSED_BY_TRIGGER, /never deleted/);
    await refused(owner, "TRUNCATE auth_tokens", [], REFUSED_BY_TRIGGER, /never deleted/);
    assert.equal((await store.revoke(record.token_id, new Date(), "cli:alice")).outcome, "revoked");
    await refused(
      owner,
      "UPDATE auth_tokens SET revoked_at_utc = NULL, revoked_by = NULL WHERE token_id = $1",
      id,
      REFUSED_BY_TRIGGER,
      /only change allowed/,
    );
    await refused(
      app,
      "UPDATE auth_tokens SET revoked_at_utc = '2030-01-01T00:00:00.000Z', revoked_by = 'x' WHERE token_id = $1",
      id,
      REFUSED_BY_TRIGGER,
      /only change allowed/,
    );
    const stored = await store.find(record.token_id);
    assert.deepEqual(stored?.roles, ["auditor"]);
    assert.equal(stored?.revoked_by, "cli:alice");
    assert.equal(await store.find("tok_\u0000"), undefined, "a NUL in a presented id is no token, not a 500");
    assert.deepEqual(await store.revoke("tok_\u0000", new Date(), "cli:alice"), { outcome: "unknown" });
  } finally {
    await db.drop();
  }
});

test("PostgreSQL: two concurrent revocations of one token: exactly one revokes, the other reads its time", async () => {
  const db = await tokenDatabase();
  try {
    const a = new PostgresTokenStore(db.pool({ user: db.appRole }));
    const b = new PostgresTokenStore(db.pool({ user: db.appRole }));
    const record = sampleTokenRecord();
    await a.insert(record);
    const results = await Promise.all([
      a.revoke(record.token_id, new Date("2026-05-01T00:00:00.000Z"), "cli:a"),
      b.revoke(record.token_id, new Date("2026-05-02T00:00:00.000Z"), "cli:b"),
    ]);
    const revoked = results.filter((r) => r.outcome === "revoked");
    assert.equal(revoked.length, 1);
    const stored = await a.find(record.token_id);
    for (const r of results) assert.equal(r.outcome !== "unknown" && r.revoked_at_utc, stored?.revoked_at_utc);
  } finally {
    await db.drop();
  }
});
