/**
 * Several instances, one truth: two pools on one database play two service
 * instances (each with its own stores, as the app role). Races across them have
 * exactly one winner — a run id written by both, a session change from one version
 * (If-Match), an idempotency key, a review decision — and partitions for a new month
 * are created once when both need one at the same moment.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type pg from "pg";
import { RunAlreadyExistsError } from "../../src/contracts/ports/run_store.js";
import { makeArtifact } from "../../src/contracts/testing/artifacts.js";
import { PostgresAdvisoryStore } from "../../src/plugins/advisory/postgres_store.js";
import { PostgresIdempotencyStore } from "../../src/plugins/runs/postgres_idempotency_store.js";
import { PostgresRunStore } from "../../src/plugins/runs/postgres_run_store.js";
import { PostgresSessionStore } from "../../src/plugins/workflow-sessions/postgres_session_store.js";
import { type RoleTestDatabase, migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { makeAsset, makeDecision, makeSession } from "./support.js";

let db: RoleTestDatabase;
let pools: [pg.Pool, pg.Pool];
before(async () => {
  db = await migratedTestDatabaseWithRoles();
  pools = [db.pool({ user: db.appRole, max: 6 }), db.pool({ user: db.appRole, max: 6 })];
});
after(() => db.drop());

/** `n` attempts spread over the two instances, started together. */
function race<T>(n: number, attempt: (instance: 0 | 1, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => attempt((i % 2) as 0 | 1, i)));
}

test("write-once across instances: of 12 writers of one run id on two instances exactly one wins", async () => {
  const stores = pools.map((p) => new PostgresRunStore(p)) as [PostgresRunStore, PostgresRunStore];
  for (let round = 0; round < 5; round++) {
    const artifact = makeArtifact();
    const outcomes = await race(12, (k, i) => stores[k].create({ ...artifact, meta: { writer: i } }));
    const won = outcomes.filter((o) => o.status === "fulfilled");
    assert.equal(won.length, 1, `round ${round}`);
    for (const o of outcomes)
      if (o.status === "rejected") assert.ok(o.reason instanceof RunAlreadyExistsError, String(o.reason));
    const winner = (won[0] as PromiseFulfilledResult<{ bytes: Buffer }>).value;
    for (const store of stores)
      assert.ok((await store.get(artifact.run_id, { fresh: true }))?.bytes.equals(winner.bytes));
  }
});

test("a month without a partition, needed by both instances at once: created once, every run stored", async () => {
  const stores = pools.map((p) => new PostgresRunStore(p)) as [PostgresRunStore, PostgresRunStore];
  const at = Date.UTC(2040, 6, 15);
  const outcomes = await race(10, (k, i) => stores[k].create(makeArtifact({ at: at + i })));
  assert.deepEqual(
    outcomes.map((o) => o.status),
    Array(10).fill("fulfilled"),
  );
  const { rows } = await pools[0].query<{ n: number }>(
    "SELECT count(*)::int AS n FROM runs_artifacts WHERE tableoid = to_regclass('runs_artifacts_2040_07')",
  );
  assert.equal(rows[0]?.n, 10);
  assert.equal((await stores[1].list({ limit: 20, created_from_us: at * 1000 })).items.length, 10);
});

test("If-Match across instances: of 10 changes from one version exactly one is applied, the rest are stale", async () => {
  const stores = pools.map((p) => new PostgresSessionStore(p)) as [PostgresSessionStore, PostgresSessionStore];
  for (let round = 0; round < 5; round++) {
    const session = await stores[0].create(makeSession());
    const outcomes = await race(10, (k, i) =>
      stores[k].appendEvent(session.session_id, 1, {
        event: "submit_feasibility",
        from_state: "DRAFT",
        to_state: "FEASIBILITY_CHECKED",
        note: `writer ${i}`,
        at: "2026-03-04T07:00:00Z",
      }),
    );
    const results = outcomes.map((o) => (o.status === "fulfilled" ? o.value.outcome : `error ${String(o.reason)}`));
    assert.equal(results.filter((r) => r === "appended").length, 1, `round ${round}: ${results.join(", ")}`);
    assert.equal(results.filter((r) => r === "stale").length, 9);
    const events = await stores[1].events(session.session_id);
    assert.equal(events?.length, 1);
    assert.equal((await stores[1].get(session.session_id))?.version, 2);
  }
});

test("an Idempotency-Key reserved on two instances at once is reserved by exactly one", async () => {
  const stores = pools.map((p) => new PostgresIdempotencyStore(p)) as [
    PostgresIdempotencyStore,
    PostgresIdempotencyStore,
  ];
  const outcomes = await race(10, (k, i) =>
    stores[k].reserve({
      key: "race-key",
      request_sha256: "b".repeat(64),
      run_id: `run_${i}`,
      state: "in_flight",
      owner: `boot-${k}`,
    }),
  );
  const reserved = outcomes.filter((o) => o.status === "fulfilled" && o.value.reserved);
  assert.equal(reserved.length, 1);
  const answers = outcomes.map((o) =>
    o.status === "fulfilled" && !o.value.reserved ? o.value.existing.run_id : "winner",
  );
  assert.equal(new Set(answers.filter((a) => a !== "winner")).size, 1, "every loser is told the same winning run");
});

test("two reviewers on two instances deciding one asset: exactly one decision is recorded", async () => {
  const stores = pools.map((p) => new PostgresAdvisoryStore(p)) as [PostgresAdvisoryStore, PostgresAdvisoryStore];
  const asset = makeAsset();
  await stores[0].createAsset(asset);
  const outcomes = await race(8, (k, i) =>
    stores[k].recordDecision(makeDecision(asset.asset_id, i % 3 ? "approve" : "reject", `r${i}`)),
  );
  const recorded = outcomes.filter((o) => o.status === "fulfilled" && o.value.recorded);
  assert.equal(recorded.length, 1);
  assert.equal((await stores[1].reviewEvents(asset.asset_id)).length, 1);
});
