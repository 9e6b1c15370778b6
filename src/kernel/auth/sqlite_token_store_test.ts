/**
 * The embedded token store: the token store contract kit against a real SQLite file
 * migrated by the kernel's runner, plus what only SQLite's triggers promise — a token
 * row cannot be deleted and changes only by one revocation, even through raw SQL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleTokenRecord, tokenStoreContract } from "../../contracts/testing/token_store_contract.js";
import { migratedTokenDb } from "../../testing/token_db.js";
import { openSqlite } from "../db/sqlite.js";
import { SqliteTokenStore } from "./sqlite_token_store.js";

tokenStoreContract("embedded (SQLite)", async () => {
  const db = await migratedTokenDb();
  return {
    store: db.open(),
    openAnother: async () => db.open(),
    dispose: async () => db.dispose(),
  };
});

test("SQLite: a token row cannot be deleted, un-revoked or edited, even with raw SQL", async () => {
  const handle = await migratedTokenDb();
  try {
    const raw = openSqlite(handle.file).connection;
    try {
      const store = new SqliteTokenStore(raw);
      const record = sampleTokenRecord({ roles: ["auditor"] });
      await store.insert(record);
      assert.throws(() => raw.prepare("DELETE FROM auth_tokens").run(), /never deleted/);
      assert.throws(
        () => raw.prepare("UPDATE auth_tokens SET roles = 'admin' WHERE token_id = ?").run(record.token_id),
        /only change allowed/,
      );
      assert.throws(
        () =>
          raw
            .prepare("UPDATE auth_tokens SET revoked_at_utc = '2026-01-01T00:00:00.000Z' WHERE token_id = ?")
            .run(record.token_id),
        /only change allowed/,
        "a revocation must name who revoked",
      );
      await store.revoke(record.token_id, new Date(), "cli:alice");
      assert.throws(
        () =>
          raw
            .prepare("UPDATE auth_tokens SET revoked_at_utc = NULL, revoked_by = NULL WHERE token_id = ?")
            .run(record.token_id),
        /only change allowed/,
      );
      assert.equal((await store.find(record.token_id))?.roles.join(), "auditor");
      assert.throws(
        () =>
          raw
            .prepare("INSERT INTO auth_tokens VALUES ('tok_x', 'n', 'writer', 'short', 't', 'c', NULL, NULL, NULL)")
            .run(),
        /CHECK constraint/,
      );
    } finally {
      raw.close();
    }
  } finally {
    handle.dispose();
  }
});

test("SQLite: an unknown role name in a row grants nothing", async () => {
  const handle = await migratedTokenDb();
  try {
    const raw = openSqlite(handle.file).connection;
    try {
      const record = sampleTokenRecord();
      raw
        .prepare(
          "INSERT INTO auth_tokens (token_id, name, roles, secret_sha256, created_at_utc, created_by) VALUES (?, ?, 'root,writer', ?, ?, ?)",
        )
        .run(record.token_id, record.name, record.secret_sha256, record.created_at_utc, record.created_by);
      assert.deepEqual((await new SqliteTokenStore(raw).find(record.token_id))?.roles, ["writer"]);
    } finally {
      raw.close();
    }
  } finally {
    handle.dispose();
  }
});
