/**
 * Logged creates on PostgreSQL share transactions (PostgresRunStore's group commit):
 * concurrent creates — new runs, three creates of one id, and a run of a month that has
 * no partition yet (which fails its batch's transaction as a whole, so each run of that
 * batch is retried alone) — each get their own outcome: every new run stored with
 * exactly one leaf naming its bytes, one of the three same-id creates wins and the
 * others are refused as write-once, and the log holds nothing else; a create of an id
 * stored before, in a batch of new runs, is refused alone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeArtifact } from "../../src/contracts/testing/artifacts.js";
import { RunAlreadyExistsError } from "../../src/contracts/ports/run_store.js";
import { generateSigner } from "../../src/contracts/tlog/note_keys.js";
import { createLogger } from "../../src/kernel/logger.js";
import { PostgresRunStore } from "../../src/plugins/runs/postgres_run_store.js";
import { PostgresCheckpointSigner } from "../../src/plugins/transparency-log/postgres_checkpoint_signer.js";
import { PostgresTransparencyLogService } from "../../src/plugins/transparency-log/postgres_log_service.js";
import { PostgresLogStore } from "../../src/plugins/transparency-log/postgres_log_store.js";
import { migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";

test("batched logged creates on PostgreSQL: each run its own outcome, one leaf per stored run", async () => {
  const db = await migratedTestDatabaseWithRoles();
  const pool = db.pool({ user: db.appRole, max: 10 });
  const store = new PostgresLogStore(pool);
  const { signer: key } = generateSigner("batch.example/log");
  const signer = new PostgresCheckpointSigner(store, key, { intervalMs: 3_600_000, logger: createLogger("silent") });
  const log = new PostgresTransparencyLogService(store, signer, key, 3_600_000);
  const runs = new PostgresRunStore(pool, { log });
  try {
    const fresh = Array.from({ length: 20 }, () => makeArtifact());
    const shared = makeArtifact();
    const old = makeArtifact({ at: Date.UTC(2001, 2, 14) });
    const attempts = [...fresh, shared, old, shared, shared];
    const outcomes = await Promise.allSettled(attempts.map((a) => runs.create(a)));

    const refused = outcomes.filter((o) => o.status === "rejected");
    assert.equal(refused.length, 2, "two of the three same-id creates are refused");
    for (const r of refused) assert.ok((r as PromiseRejectedResult).reason instanceof RunAlreadyExistsError);
    const stored = [...fresh, shared, old];
    for (const artifact of stored) {
      const run = await runs.get(artifact.run_id, { fresh: true });
      assert.ok(run, `${artifact.run_id} is stored`);
      const leaf = await log.leafOf("run", artifact.run_id);
      assert.ok(leaf, `${artifact.run_id} has its leaf`);
      assert.equal(leaf.leaf.sha256, run.sha256);
    }
    assert.equal(await log.size(), stored.length, "one leaf per stored run, nothing else");
    const indexes: number[] = [];
    for await (const l of log.leaves()) indexes.push(l.leaf_index);
    assert.deepEqual(
      indexes,
      stored.map((_, i) => i),
      "leaf indexes 0..n-1 without a gap",
    );

    // A batch of new runs with two ids stored before (other bytes): those two are
    // refused inside the shared statement, the others are stored with their leaves.
    const later = Array.from({ length: 10 }, () => makeArtifact());
    const taken = [fresh[0], old].map((a) =>
      makeArtifact({ runId: a?.run_id, at: Date.parse(a?.created_at_utc ?? ""), overrides: { status: "BLOCKED" } }),
    );
    const second = await Promise.allSettled([...later, ...taken].map((a) => runs.create(a)));
    assert.deepEqual(
      second.map((o) => o.status),
      [...later.map(() => "fulfilled"), "rejected", "rejected"],
    );
    for (const r of second.slice(later.length)) {
      assert.ok((r as PromiseRejectedResult).reason instanceof RunAlreadyExistsError);
    }
    for (const a of [fresh[0], old]) {
      const run = await runs.get(a?.run_id ?? "", { fresh: true });
      assert.equal(run?.artifact.status, a?.status, "the stored run is untouched");
    }
    for (const artifact of later) assert.ok(await log.leafOf("run", artifact.run_id), "a later run has its leaf");
    assert.equal(await log.size(), stored.length + later.length, "no leaf for a refused create");
  } finally {
    await signer.close();
    await runs.close();
    await db.drop();
  }
});
