/**
 * The PostgreSQL idempotency, advisory and session stores through their ports, on a
 * real server, each used as the app role (the service's privileges only) on a database
 * migrated by an ordinary owner — so a store that needed more than the grants would fail.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { AdvisoryAssetExistsError, CorruptAdvisoryError } from "../../src/contracts/ports/advisory_store.js";
import type { IdempotencyRecord } from "../../src/contracts/ports/idempotency_store.js";
import { SessionAlreadyExistsError } from "../../src/contracts/ports/session_store.js";
import { PostgresAdvisoryStore } from "../../src/plugins/advisory/postgres_store.js";
import { PostgresIdempotencyStore } from "../../src/plugins/runs/postgres_idempotency_store.js";
import { PostgresRunStore } from "../../src/plugins/runs/postgres_run_store.js";
import { PostgresSessionStore } from "../../src/plugins/workflow-sessions/postgres_session_store.js";
import { type RoleTestDatabase, migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { makeAsset, makeDecision, makeSession } from "./support.js";

let db: RoleTestDatabase;
let app: pg.Pool;
before(async () => {
  db = await migratedTestDatabaseWithRoles();
  app = db.pool({ user: db.appRole });
});
after(() => db.drop());

const record = (key: string, over: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  key,
  request_sha256: "a".repeat(64),
  run_id: "run_01",
  state: "in_flight",
  owner: "boot-1",
  ...over,
});

describe("PostgresIdempotencyStore", () => {
  test("reserve once; a second reserve answers the existing record; complete marks it done", async () => {
    const store = new PostgresIdempotencyStore(app);
    assert.deepEqual(await store.reserve(record("k1")), { reserved: true });
    const again = await store.reserve(record("k1", { run_id: "run_02", owner: "boot-2" }));
    assert.deepEqual(again, { reserved: false, existing: record("k1") });
    await store.complete("k1");
    const done = await store.reserve(record("k1"));
    assert.equal(done.reserved === false && done.existing.state, "done");
  });

  test("release frees the key for a new reservation, only for its owner and only while in flight", async () => {
    const store = new PostgresIdempotencyStore(app);
    await store.reserve(record("k2"));
    await store.release("k2", "someone-else");
    assert.equal(
      (await store.reserve(record("k2", { owner: "boot-3" }))).reserved,
      false,
      "not released by another owner",
    );
    await store.release("k2", "boot-1");
    assert.deepEqual(await store.reserve(record("k2", { owner: "boot-3", run_id: "run_03" })), { reserved: true });
    const now = await store.reserve(record("k2"));
    assert.deepEqual(now.reserved === false && [now.existing.owner, now.existing.run_id], ["boot-3", "run_03"]);
    await store.complete("k2");
    await store.release("k2", "boot-3");
    assert.equal(((await store.reserve(record("k2"))) as { existing: IdempotencyRecord }).existing.state, "done");
  });

  test("takeOver replaces a stale reservation once; not a done one, not with the wrong owner", async () => {
    const store = new PostgresIdempotencyStore(app);
    await store.reserve(record("k3"));
    assert.equal(await store.takeOver("wrong", record("k3", { owner: "boot-9" })), false);
    assert.equal(await store.takeOver("boot-1", record("k3", { owner: "boot-9", run_id: "run_09" })), true);
    assert.equal(await store.takeOver("boot-1", record("k3", { owner: "boot-8" })), false, "the stale owner is gone");
    await store.complete("k3");
    assert.equal(await store.takeOver("boot-9", record("k3", { owner: "boot-7" })), false, "done is final");
  });
});

describe("PostgresAdvisoryStore", () => {
  test("an asset is write-once and reads back as written", async () => {
    const store = new PostgresAdvisoryStore(app);
    const asset = makeAsset({ text: "climb milling", n: 1.5 });
    await store.createAsset(asset);
    await assert.rejects(store.createAsset({ ...asset, provider: "other" }), AdvisoryAssetExistsError);
    assert.deepEqual(await store.getAsset(asset.asset_id), asset);
    assert.equal(await store.getAsset(makeAsset().asset_id), undefined);
  });

  test("one decision per asset: the second is answered with the first; a decision needs its asset", async () => {
    const store = new PostgresAdvisoryStore(app);
    const asset = makeAsset();
    await store.createAsset(asset);
    const first = await store.recordDecision(makeDecision(asset.asset_id, "approve"));
    assert.equal(first.recorded, true);
    const second = await store.recordDecision(makeDecision(asset.asset_id, "reject", "reviewer-2"));
    assert.deepEqual(second, { recorded: false, existing: makeDecision(asset.asset_id, "approve") });
    assert.deepEqual(await store.reviewEvents(asset.asset_id), [makeDecision(asset.asset_id, "approve")]);
    await assert.rejects(store.recordDecision(makeDecision(makeAsset().asset_id, "approve")), /is not stored/);
    const stats = await store.stats();
    assert.ok(stats.assets >= 1 && stats.approved >= 1);
  });

  test("a record altered in storage is CorruptAdvisoryError, not an answer", async () => {
    const store = new PostgresAdvisoryStore(app);
    const asset = makeAsset({ text: "original" });
    await store.createAsset(asset);
    const owner = db.pool({ user: db.owner, max: 1 });
    const client = await owner.connect();
    try {
      // Storage decay, past the insert-only guard: the owner disables it for one statement.
      await client.query("BEGIN");
      await client.query("ALTER TABLE advisory_assets DISABLE TRIGGER rmos_insert_only");
      await client.query(
        "UPDATE advisory_assets SET record = convert_to(replace(convert_from(record, 'UTF8'), 'original', 'altered!'), 'UTF8') WHERE asset_id = $1",
        [asset.asset_id],
      );
      await client.query("ALTER TABLE advisory_assets ENABLE TRIGGER rmos_insert_only");
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    await assert.rejects(store.getAsset(asset.asset_id), CorruptAdvisoryError);
  });
});

describe("PostgresSessionStore", () => {
  test("create, get, list newest first with filters and a cursor", async () => {
    const store = new PostgresSessionStore(app);
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push(await store.create(makeSession([`run_a${i}`, `run_b${i}`], i % 2 ? "inlay" : "list-probe")));
    await assert.rejects(
      store.create({ ...makeSession(), session_id: made[0]?.session_id as string }),
      SessionAlreadyExistsError,
    );
    assert.deepEqual(await store.get(made[0]?.session_id as string), made[0]);
    assert.deepEqual(made[0]?.run_ids, ["run_a0", "run_b0"]);
    const probes = made.filter((s) => s.workflow === "list-probe").reverse();
    const page1 = await store.list({ workflow: "list-probe", limit: 2 });
    assert.deepEqual(page1.items, probes.slice(0, 2));
    const page2 = await store.list({ workflow: "list-probe", limit: 2, after: page1.next as string });
    assert.deepEqual(page2.items, probes.slice(2));
    assert.equal(page2.next, null);
  });

  test("appendEvent applies from the expected version only; events and run links are recorded in order", async () => {
    const store = new PostgresSessionStore(app);
    const s = await store.create(makeSession(["run_x"]));
    const at = "2026-03-04T07:00:00Z";
    const one = await store.appendEvent(s.session_id, 1, {
      event: "submit_feasibility",
      from_state: "DRAFT",
      to_state: "FEASIBILITY_CHECKED",
      run_id: "run_y",
      at,
    });
    assert.equal(one.outcome, "appended");
    assert.deepEqual(one.outcome === "appended" && [one.session.version, one.session.state, one.session.run_ids], [
      2,
      "FEASIBILITY_CHECKED",
      ["run_x", "run_y"],
    ]);
    const stale = await store.appendEvent(s.session_id, 1, {
      event: "cancel",
      from_state: "DRAFT",
      to_state: "CANCELLED",
      at,
    });
    assert.equal(stale.outcome === "stale" && stale.current.version, 2);
    const missing = await store.appendEvent("wfs_01HZZZZZZZZZZZZZZZZZZZZZZZ", 1, {
      event: "cancel",
      from_state: "DRAFT",
      to_state: "CANCELLED",
      at,
    });
    assert.deepEqual(missing, { outcome: "not_found" });
    await store.appendEvent(s.session_id, 2, {
      event: "approve",
      from_state: "FEASIBILITY_CHECKED",
      to_state: "APPROVED",
      note: "ok",
      run_id: "run_x",
      at,
      created_by: "token:approver",
    });
    assert.deepEqual(await store.events(s.session_id), [
      {
        seq: 1,
        event: "submit_feasibility",
        from_state: "DRAFT",
        to_state: "FEASIBILITY_CHECKED",
        run_id: "run_y",
        at,
        version: 2,
        created_by: "anonymous",
      },
      {
        seq: 2,
        event: "approve",
        from_state: "FEASIBILITY_CHECKED",
        to_state: "APPROVED",
        run_id: "run_x",
        note: "ok",
        at,
        version: 3,
        created_by: "token:approver",
      },
    ]);
    assert.equal((await store.get(s.session_id))?.created_by, "anonymous", "no creator given: anonymous");
    const owned = await store.create({ ...makeSession(), created_by: "oidc:alice" });
    assert.equal(owned.created_by, "oidc:alice");
    assert.equal((await store.get(owned.session_id))?.created_by, "oidc:alice");
    assert.deepEqual((await store.get(s.session_id))?.run_ids, ["run_x", "run_y"], "a run is linked once");
    assert.equal(await store.events("wfs_01HZZZZZZZZZZZZZZZZZZZZZZZ"), undefined);
  });
});

describe("hostile keys through every PostgreSQL store", () => {
  const HOSTILE = [
    "run_x\u0000",
    "\u0000",
    "'; DROP TABLE runs_index; --",
    "run_%",
    "run__",
    `run_${"A".repeat(10_000)}`,
    "wfs_\u00e9\u{1f600}",
    "adv_' OR '1'='1",
  ];

  test("unknown, injected, wildcard or NUL-bearing ids are 'not stored', and the tables are intact", async () => {
    const runs = new PostgresRunStore(app);
    const sessions = new PostgresSessionStore(app);
    const advisory = new PostgresAdvisoryStore(app);
    for (const key of HOSTILE) {
      const what = JSON.stringify(key.slice(0, 40));
      assert.equal(await runs.get(key), undefined, what);
      assert.equal(await runs.has(key), false, what);
      assert.equal(await runs.getSidecar(key, "advisory_x"), undefined, what);
      assert.deepEqual(await runs.listSidecars(key, key), [], what);
      assert.equal(await sessions.get(key), undefined, what);
      assert.equal(await sessions.events(key), undefined, what);
      assert.deepEqual(
        await sessions.appendEvent(key, 1, {
          event: "cancel",
          from_state: "DRAFT",
          to_state: "CANCELLED",
          at: "2026-01-01T00:00:00Z",
        }),
        { outcome: "not_found" },
        what,
      );
      assert.equal(await advisory.getAsset(key), undefined, what);
      assert.deepEqual(await advisory.reviewEvents(key), [], what);
    }
    const tables = await app.query("SELECT to_regclass('runs_index') IS NOT NULL AS ok");
    assert.equal(tables.rows[0]?.ok, true);
  });
});
