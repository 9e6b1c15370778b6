/**
 * Tests of the checkpoint signer on a real SQLite file: it signs within the interval
 * after an append (appends in between share one checkpoint), signs what another
 * writer appended, and refuses — for good — when leaves were removed or the stored
 * tree no longer extends what it signed.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { generateSigner } from "../../contracts/tlog/note_keys.js";
import { applyMigrations, loadMigrations } from "../../kernel/db/migrations.js";
import { openSqlite } from "../../kernel/db/sqlite.js";
import { createLogger } from "../../kernel/logger.js";
import { CheckpointSigner, InconsistentLogError } from "./checkpoint_signer.js";
import { SqliteLogStore } from "./sqlite_log_store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(intervalMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-signer-"));
  dirs.push(dir);
  const database = openSqlite(path.join(dir, "rmos.db"));
  await applyMigrations(
    database,
    loadMigrations([{ plugin: "transparency-log", dir: new URL("./migrations/sqlite/", import.meta.url) }]),
  );
  const store = new SqliteLogStore(database.connection);
  const signer = new CheckpointSigner(store, generateSigner("signer.test/log").signer, {
    intervalMs,
    logger: createLogger("silent", 2),
  });
  return { database, store, signer };
}

const leaf = (i: number) => ({
  type: "run" as const,
  id: `s${i}`,
  sha256: (i + 10).toString(16).padStart(64, "0"),
  created_at_utc: "2026-11-06T00:00:00Z",
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("CheckpointSigner", () => {
  test("signs within the interval after an append; appends in between share one checkpoint", async () => {
    const { database, store, signer } = await setup(80);
    try {
      assert.equal(signer.signNow().size, 0);
      store.append([leaf(0)]);
      signer.appended();
      store.append([leaf(1)]);
      signer.appended();
      assert.equal(store.latestCheckpoint("signer.test/log")?.size, 0);
      await sleep(250);
      assert.equal(store.latestCheckpoint("signer.test/log")?.size, 2);
      const count = database.connection.prepare("SELECT COUNT(*) FROM tlog_checkpoints").pluck().get();
      assert.equal(count, 2, "the empty tree, then one checkpoint for both appends");
    } finally {
      signer.close();
      database.connection.close();
    }
  });

  test("the periodic check signs leaves appended by another writer", async () => {
    const { database, store, signer } = await setup(40);
    try {
      signer.signNow();
      signer.start();
      store.append([leaf(0), leaf(1), leaf(2)]); // as another process would: no appended() call
      await sleep(200);
      assert.equal(store.latestCheckpoint("signer.test/log")?.size, 3);
    } finally {
      signer.close();
      database.connection.close();
    }
  });

  test("refuses for good when leaves were removed", async () => {
    const { database, store, signer } = await setup(1000);
    try {
      store.append([leaf(0), leaf(1), leaf(2)]);
      signer.signNow();
      database.connection.exec("DROP TRIGGER tlog_leaves_no_delete");
      database.connection.exec("DELETE FROM tlog_leaves WHERE leaf_index = 2");
      assert.throws(
        () => signer.signNow(),
        (e: unknown) => e instanceof InconsistentLogError && /removed/.test(e.message),
      );
      store.append([leaf(7), leaf(8)]);
      assert.throws(() => signer.signNow(), InconsistentLogError);
      assert.ok(signer.refusal);
    } finally {
      signer.close();
      database.connection.close();
    }
  });
});
