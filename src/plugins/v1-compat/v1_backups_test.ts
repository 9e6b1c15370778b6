/**
 * Tests of the runs.json backups and the record bytes read back from them: the backup
 * is content-addressed and write-once, a record's range is checked against its hash (a
 * changed byte, a missing backup, a range past the end are refused), and the temp files
 * of an interrupted backup are removed only when their process is gone.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { removeStaleTemps, tempOwner } from "./stale_temps.js";
import { V1Backups, V1RecordUnavailableError } from "./v1_backups.js";
import { makeTempDir, removeDir } from "./v1_test_support.js";

const dir = makeTempDir();
after(() => removeDir(dir));

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("a backup is named by its SHA-256, written once, and a record's bytes read back by range", async () => {
  const text = Buffer.from('{\n  "run_000000000001": {"a": 1.0},\n  "run_000000000002": {"b": "é"}\n}\n');
  const source = path.join(dir, "runs.json");
  fs.writeFileSync(source, text);
  const backups = new V1Backups(path.join(dir, "data"));
  const first = await backups.backup(source);
  assert.equal(first.sha256, sha(text));
  assert.equal(first.size_bytes, text.length);
  assert.equal(first.created, true);
  assert.equal(first.location, `v1-import/backups/runs-${sha(text)}.json`);
  assert.ok(fs.readFileSync(backups.pathOf(first.sha256)).equals(text));
  const again = await backups.backup(source);
  assert.equal(again.created, false, "the same content is backed up once");
  assert.deepEqual(fs.readdirSync(backups.dir), [`runs-${sha(text)}.json`], "no temp file left");

  const offset = text.indexOf('{"b"');
  const record = text.subarray(offset, text.indexOf("}", offset) + 1);
  const location = { runs_json_sha256: first.sha256, offset, length: record.length };
  assert.ok((await backups.readRecord(location, sha(record))).equals(record));
  await assert.rejects(backups.readRecord(location, "0".repeat(64)), V1RecordUnavailableError);
  await assert.rejects(backups.readRecord({ ...location, offset: text.length - 2 }, sha(record)), /ends before byte/);
  await assert.rejects(
    backups.readRecord({ ...location, runs_json_sha256: "1".repeat(64) }, sha(record)),
    /is missing/,
  );
  await assert.rejects(
    backups.readRecord({ ...location, runs_json_sha256: "../../x" }, sha(record)),
    V1RecordUnavailableError,
  );

  // A changed byte in the backup is found.
  const file = backups.pathOf(first.sha256);
  fs.chmodSync(file, 0o644);
  const altered = Buffer.from(text);
  altered[offset + 2] = "c".charCodeAt(0);
  fs.writeFileSync(file, altered);
  await assert.rejects(backups.readRecord(location, sha(record)), /hash to/);
});

test("stale temp files (their process gone) are removed; live ones are left alone", async () => {
  const temps = path.join(dir, "temps");
  fs.mkdirSync(temps);
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
  const stale = `.tmp-runs.json-${dead}-abcdef`;
  const live = `.tmp-runs.json-${process.pid}-abcdef`;
  for (const name of [stale, live, "runs-keep.json"]) fs.writeFileSync(path.join(temps, name), "x");
  assert.equal(tempOwner(stale), Number(dead));
  assert.equal(tempOwner("runs-keep.json"), undefined);
  assert.equal(await removeStaleTemps(temps), 1);
  assert.deepEqual(fs.readdirSync(temps).sort(), [live, "runs-keep.json"].sort());
  assert.equal(await removeStaleTemps(path.join(dir, "nope")), 0);
});
