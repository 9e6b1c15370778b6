/**
 * PostgresDatabase on a real server: `?` placeholders become `$n` outside literals,
 * quoted names and comments; bytes, bigints and booleans bind; a script runs several
 * statements; a transaction runs on one client (its statements see each other) and
 * rolls back whole when the work throws; each handle has its own pool, named for its
 * instance; and the pool is reached only through `postgresPoolOf`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type TestDatabase, testDatabase } from "../../../testing/postgres_server.js";
import { SqliteDatabase } from "../sqlite.js";
import { PostgresDatabase, postgresPoolOf, toPositional } from "./database.js";

test("toPositional numbers the placeholders outside literals, quoted names and comments", () => {
  assert.equal(toPositional("SELECT ? , ?"), "SELECT $1 , $2");
  assert.equal(
    toPositional(`SELECT '?', "a?b", ? -- what?\n, /* ? */ ?`),
    `SELECT '?', "a?b", $1 -- what?\n, /* ? */ $2`,
  );
  assert.equal(toPositional("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
});

describe("PostgresDatabase", () => {
  let db: TestDatabase;
  let database: PostgresDatabase;
  before(async () => {
    db = await testDatabase();
    database = new PostgresDatabase(db.url, { maxConnections: 3 });
    database.open();
  });
  after(async () => {
    await database.close();
    await db.drop();
  });

  test("binds values, runs scripts and counts changes", async () => {
    const script = await database.exec("CREATE TABLE t (k TEXT PRIMARY KEY, b BYTEA, n INT8, f BOOLEAN); SELECT 1");
    assert.equal(script.changes, 1, "the last statement's rows");
    const inserted = await database.exec("INSERT INTO t VALUES (?, ?, ?, ?), (?, ?, ?, ?)", [
      "a",
      new Uint8Array([1, 2, 3]),
      2n ** 40n,
      true,
      "b?",
      null,
      7,
      false,
    ]);
    assert.equal(inserted.changes, 2);
    const rows = await database.query<{ k: string; b: Buffer | null; n: number; f: boolean }>(
      "SELECT k, b, n, f FROM t WHERE k <> '?' ORDER BY k",
    );
    assert.deepEqual(rows, [
      { k: "a", b: Buffer.from([1, 2, 3]), n: 2 ** 40, f: true },
      { k: "b?", b: null, n: 7, f: false },
    ]);
  });

  test("a transaction runs on one client and rolls back whole when its work throws", async () => {
    await database.exec("CREATE TABLE tx (v INT)");
    const seen = await database.transaction(async (tx) => {
      await tx.exec("INSERT INTO tx VALUES (?)", [1]);
      return (await tx.query<{ n: number }>("SELECT count(*) AS n FROM tx"))[0]?.n;
    });
    assert.equal(seen, 1, "the transaction sees its own insert");
    await assert.rejects(
      database.transaction(async (tx) => {
        await tx.exec("INSERT INTO tx VALUES (?)", [2]);
        throw new Error("refused");
      }),
      /refused/,
    );
    const rows = await database.query<{ v: number }>("SELECT v FROM tx ORDER BY v");
    assert.deepEqual(
      rows.map((r) => r.v),
      [1],
    );
    // The pool is still usable: the failed transaction's client came back clean.
    const parallel = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => database.query<{ i: number }>("SELECT ?::int AS i", [i])),
    );
    assert.deepEqual(
      parallel.map((r) => r[0]?.i),
      [1, 2, 3, 4, 5],
    );
  });

  test("each handle has its own pool, named for its instance", async () => {
    const other = new PostgresDatabase(db.url);
    other.open();
    try {
      assert.notEqual(postgresPoolOf(other), postgresPoolOf(database));
      const [mine] = await database.query<{ name: string }>("SELECT current_setting('application_name') AS name");
      const [theirs] = await other.query<{ name: string }>("SELECT current_setting('application_name') AS name");
      assert.match(mine?.name ?? "", /^rmos\/[0-9a-f]{16}$/);
      assert.match(theirs?.name ?? "", /^rmos\/[0-9a-f]{16}$/);
      assert.notEqual(mine?.name, theirs?.name);
    } finally {
      await other.close();
    }
    assert.throws(() => postgresPoolOf(other), /not open/);
    assert.throws(() => postgresPoolOf(new SqliteDatabase("/nonexistent/x.db")), /asked of a sqlite database/);
  });
});
