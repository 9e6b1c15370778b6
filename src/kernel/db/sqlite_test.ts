/**
 * Unit test of how the embedded SQLite database is opened: WAL mode, NORMAL sync,
 * the busy timeout, foreign keys, and the larger WAL auto-checkpoint with its size cap;
 * then the backend-neutral port on it: `?` parameters, transactions that commit or roll
 * back and hold back other statements meanwhile, and the raw-connection accessor.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { Database } from "../../contracts/ports/database.js";
import { openSqlite, SqliteDatabase, sqliteConnectionOf, WAL_AUTOCHECKPOINT_PAGES } from "./sqlite.js";

test("openSqlite opens in WAL mode with the project's pragmas", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rmos-sqlite-")), "nested", "rmos.db");
  const database = openSqlite(file);
  const { connection: db, kind, file: opened } = database;
  try {
    assert.equal(kind, "sqlite");
    assert.equal(opened, file);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("synchronous", { simple: true }), 1, "NORMAL");
    assert.equal(db.pragma("busy_timeout", { simple: true }), 10_000);
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.equal(db.pragma("wal_autocheckpoint", { simple: true }), WAL_AUTOCHECKPOINT_PAGES);
    assert.equal(db.pragma("journal_size_limit", { simple: true }), 64 * 1024 * 1024);
  } finally {
    db.close();
  }
});

test("the port: query and exec bind ? placeholders; a transaction commits, or rolls back when it throws", async () => {
  const database = openSqlite(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rmos-sqlite-")), "rmos.db"));
  try {
    await database.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL); CREATE TABLE u (x INTEGER)");
    assert.deepEqual(await database.exec("INSERT INTO t (k, v) VALUES (?, ?)", ["a", 1]), { changes: 1 });
    await database.transaction(async (tx) => {
      await tx.exec("INSERT INTO t (k, v) VALUES (?, ?)", ["b", 2]);
    });
    await assert.rejects(
      database.transaction(async (tx) => {
        await tx.exec("INSERT INTO t (k, v) VALUES (?, ?)", ["c", 3]);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.deepEqual(await database.query("SELECT k, v FROM t ORDER BY k"), [
      { k: "a", v: 1 },
      { k: "b", v: 2 },
    ]);
    assert.equal(database.connection.inTransaction, false);
  } finally {
    database.close();
  }
});

test("a statement issued while a transaction is open waits for it", async () => {
  const database = openSqlite(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rmos-sqlite-")), "rmos.db"));
  try {
    await database.exec("CREATE TABLE t (v INTEGER)");
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = database.transaction(async (t) => {
      await t.exec("INSERT INTO t (v) VALUES (?)", [1]);
      await gate;
      throw new Error("roll back");
    });
    const outside = database.exec("INSERT INTO t (v) VALUES (?)", [2]);
    release();
    await assert.rejects(tx, /roll back/);
    await outside;
    // The outside insert was not swept into the rolled-back transaction.
    assert.deepEqual(await database.query("SELECT v FROM t"), [{ v: 2 }]);
  } finally {
    database.close();
  }
});

test("sqliteConnectionOf refuses a database that is not the embedded one, and one not open yet", () => {
  assert.throws(
    () => sqliteConnectionOf({ kind: "postgres" } as unknown as Database),
    /a SQLite connection was asked of a postgres database/,
  );
  assert.throws(() => sqliteConnectionOf(new SqliteDatabase("/nonexistent/rmos.db")), /not open yet/);
});
