/**
 * The index queries start-up relies on instead of loading every row: the partitions
 * that hold rows (one seek a day, plus misplaced rows), the rows of one partition (its
 * day plus misplaced rows filed there, also before 1970), and the checkpoints table.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import Sqlite from "better-sqlite3";
import { type IndexRow, SqliteRunIndex } from "./sqlite_run_index.js";

function migrated(): Sqlite.Database {
  const db = new Sqlite(":memory:");
  const dir = new URL("./migrations/sqlite/", import.meta.url);
  for (const name of fs.readdirSync(dir).sort()) db.exec(fs.readFileSync(new URL(name, dir), "utf8"));
  return db;
}

function row(runId: string, createdAtUtc: string, partition = createdAtUtc.slice(0, 10)): IndexRow {
  return {
    run_id: runId,
    created_us: Date.parse(createdAtUtc) * 1000,
    created_at_utc: createdAtUtc,
    schema_version: "1.0",
    mode: "rosette",
    tool_id: "t",
    status: "OK",
    risk_level: "GREEN",
    feasibility_sha256: "0".repeat(64),
    location: `runs/${partition}/${runId}.json`,
    file_sha256: "1".repeat(64),
    size_bytes: 1,
  };
}

test("partitions with rows and the rows of a partition, by seeks", () => {
  const db = migrated();
  const index = new SqliteRunIndex(db);
  index.insertMany([
    row("run_a", "2025-01-01T00:00:00.000Z"),
    row("run_b", "2025-01-01T23:59:59.999Z"),
    row("run_c", "2025-01-03T12:00:00.000Z"),
    // A file placed by hand in another partition than its date.
    row("run_d", "2025-01-03T13:00:00.000Z", "2024-07-01"),
    // Before 1970: SQLite's date() truncates toward zero (this one is 1969-12-31T23:59:59.5).
    row("run_e", "1969-12-31T23:59:59.500Z", "1970-01-01"),
    row("run_f", "1969-12-30T10:00:00.000Z"),
  ]);
  assert.deepEqual([...index.partitionsWithRows()].sort(), [
    "1969-12-30",
    "1970-01-01",
    "2024-07-01",
    "2025-01-01",
    "2025-01-03",
  ]);
  assert.deepEqual([...index.locationsIn("2025-01-01").keys()].sort(), ["run_a", "run_b"]);
  assert.deepEqual([...index.locationsIn("2025-01-03").keys()], ["run_c"], "run_d is filed elsewhere");
  assert.deepEqual([...index.locationsIn("2024-07-01").keys()], ["run_d"]);
  assert.deepEqual([...index.locationsIn("1970-01-01").keys()], ["run_e"]);
  assert.deepEqual([...index.locationsIn("2025-01-02").keys()], []);
  const plan = db
    .prepare("EXPLAIN QUERY PLAN SELECT run_id, location FROM runs_index WHERE created_us >= ? AND created_us < ?")
    .all(0, 1) as Array<{ detail: string }>;
  assert.match(plan.map((p) => p.detail).join(" "), /USING (COVERING )?INDEX runs_index_created/);
});

test("checkpoints are recorded, replaced and forgotten; a rebuild forgets them all", () => {
  const index = new SqliteRunIndex(migrated());
  index.recordCheckpoints(
    new Map([
      ["2025-01-01", 123n],
      ["2025-01-02", 2n ** 62n],
    ]),
  );
  index.recordCheckpoints(new Map([["2025-01-01", 124n]]), ["2025-01-02"]);
  assert.deepEqual([...index.checkpoints()], [["2025-01-01", "124"]]);
  index.replaceAll([row("run_a", "2025-01-01T00:00:00.000Z")]);
  assert.deepEqual([...index.checkpoints()], []);
});
