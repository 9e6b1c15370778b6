/**
 * Idempotency reservations across instances on PostgreSQL: an in-flight reservation
 * of another instance that is still connected is never taken over (its request is
 * still being served; taking it would create a second run for the key), and one of an
 * instance whose sessions are gone (it stopped or was killed) is.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPostgresPool } from "../../src/kernel/db/postgres/pool.js";
import { PostgresIdempotencyStore } from "../../src/plugins/runs/postgres_idempotency_store.js";
import { migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";

test("a live instance's reservation is not taken over; a gone instance's is", async () => {
  const db = await migratedTestDatabaseWithRoles();
  const url = withUser(db.url, db.appRole);
  const first = openPostgresPool(url, { max: 2, applicationName: "rmos/instance-a" });
  const second = openPostgresPool(url, { max: 2, applicationName: "rmos/instance-b" });
  try {
    const a = new PostgresIdempotencyStore(first);
    const b = new PostgresIdempotencyStore(second);
    const record = { key: "k1", request_sha256: "a".repeat(64), state: "in_flight" as const };
    assert.deepEqual(await a.reserve({ ...record, run_id: "run_a", owner: "boot-a" }), { reserved: true });
    const seen = await b.reserve({ ...record, run_id: "run_b", owner: "boot-b" });
    assert.equal(seen.reserved, false);
    assert.equal(await b.takeOver("boot-a", { ...record, run_id: "run_b", owner: "boot-b" }), false, "a is alive");
    await first.end();
    // The server drops the ended pool's sessions; wait until they are gone (bounded).
    for (let i = 0; i < 100; i++) {
      const { rows } = await second.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'rmos/instance-a'");
      if (rows.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await b.takeOver("boot-a", { ...record, run_id: "run_b", owner: "boot-b" }), true, "a is gone");
    const again = await b.reserve({ ...record, run_id: "run_c", owner: "boot-c" });
    assert.deepEqual(again, {
      reserved: false,
      existing: { key: "k1", request_sha256: "a".repeat(64), run_id: "run_b", state: "in_flight", owner: "boot-b" },
    });
  } finally {
    await second.end();
    await db.drop();
  }
});
