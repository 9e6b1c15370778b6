/**
 * Unit test of how the embedded SQLite database is opened: WAL mode, NORMAL sync,
 * the busy timeout, foreign keys, and the larger WAL auto-checkpoint with its size cap.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { openSqlite, WAL_AUTOCHECKPOINT_PAGES } from "./sqlite.js";

test("openSqlite opens in WAL mode with the project's pragmas", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rmos-sqlite-")), "nested", "rmos.db");
  const { db, kind, path: opened } = openSqlite(file);
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
