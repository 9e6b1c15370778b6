/**
 * The runs' leaves under kill -9: a burst of creates against the real server with the
 * transparency log on, SIGKILL in the middle, twice, then a restart on the same data.
 * Every run that got a 201 has its leaf, whose sha256 is the SHA-256 of the stored
 * bytes; no leaf names a run that is not stored; every indexed run has its leaf; the
 * log's own audit is clean.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import Sqlite from "better-sqlite3";
import { startChildServer } from "../../src/testing/child_server.js";
import { burstCreatesThenKill9 } from "../../src/testing/create_burst.js";
import { tempDir } from "../../src/testing/test_kernel.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

test("kill -9 during creates: every acknowledged run has its leaf after restart, and no leaf lacks its run", async () => {
  const dataDir = tempDir("rmos-runs-log-crash-");
  const env = { RMOS_DATA_DIR: dataDir, RMOS_LOG_CHECKPOINT_INTERVAL_MS: "50" };
  try {
    const acknowledged = new Map<string, Buffer>();
    for (let round = 0; round < 2; round++) {
      const server = await startChildServer(env);
      await burstCreatesThenKill9(server, acknowledged, round);
    }

    const server = await startChildServer(env);
    try {
      const audit = await fetch(`${server.url}/api/rmos/log/checkpoint`);
      assert.equal(audit.status, 200);
    } finally {
      assert.equal(await server.stop(), 0);
    }

    const db = new Sqlite(path.join(dataDir, "rmos.db"), { readonly: true });
    try {
      const leaves = new Map(
        (
          db.prepare("SELECT id, sha256 FROM tlog_leaves WHERE type = 'run'").all() as { id: string; sha256: string }[]
        ).map((l) => [l.id, l.sha256]),
      );
      for (const [runId, bytes] of acknowledged) {
        assert.equal(leaves.get(runId), sha256(bytes), `${runId}: acknowledged, its leaf holds its bytes' sha256`);
      }
      const rows = db.prepare("SELECT run_id, location FROM runs_index").all() as {
        run_id: string;
        location: string;
      }[];
      const located = new Map(rows.map((r) => [r.run_id, r.location]));
      for (const [runId, leafSha] of leaves) {
        const location = located.get(runId);
        assert.ok(location, `leaf ${runId} has its index row`);
        const bytes = fs.readFileSync(path.join(dataDir, location));
        assert.equal(sha256(bytes), leafSha, `leaf ${runId} matches its stored file`);
      }
      assert.equal(leaves.size, rows.length, "every indexed run has its leaf");
      assert.ok(leaves.size >= acknowledged.size);
      const intents = db.prepare("SELECT COUNT(*) FROM tlog_intents WHERE type = 'run'").pluck().get();
      assert.equal(intents, 0, "intents cleared at start");
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
