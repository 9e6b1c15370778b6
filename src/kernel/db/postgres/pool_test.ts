/**
 * The pool helpers: which URLs are PostgreSQL's, and int8 values parsed as numbers
 * only when a double holds them exactly (on a real server, through a pool).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { testDatabase } from "../../../testing/postgres_server.js";
import { isPostgresUrl, openPostgresPool, parseInt8 } from "./pool.js";

test("isPostgresUrl: postgres:// and postgresql:// only", () => {
  assert.equal(isPostgresUrl("postgres://u@127.0.0.1:5432/db"), true);
  assert.equal(isPostgresUrl("postgresql://u:p@db/rmos?sslmode=require"), true);
  for (const url of ["sqlite:/data/rmos.db", "mysql://x", "", "postgres", "http://postgres/"]) {
    assert.equal(isPostgresUrl(url), false, url);
  }
  assert.throws(() => openPostgresPool("sqlite:/tmp/x.db"), /postgres:\/\//);
});

test("parseInt8: exact numbers, and a refusal where a double would round", () => {
  assert.equal(parseInt8("1767225600000000"), 1_767_225_600_000_000);
  assert.equal(parseInt8("-42"), -42);
  assert.throws(() => parseInt8("9007199254740993"), RangeError);
});

test("a pool answers bigint columns as numbers, in UTC", async () => {
  const db = await testDatabase();
  try {
    const pool = openPostgresPool(db.url, { max: 1 });
    try {
      const { rows } = await pool.query<{ n: number; c: number; tz: string }>(
        "SELECT 1767225600000000::bigint AS n, count(*) AS c, current_setting('TimeZone') AS tz FROM generate_series(1, 3)",
      );
      assert.deepEqual(rows[0], { n: 1_767_225_600_000_000, c: 3, tz: "UTC" });
      await assert.rejects(pool.query("SELECT 9007199254740993::bigint AS n"), RangeError);
    } finally {
      await pool.end();
    }
  } finally {
    await db.drop();
  }
});
