/**
 * Tests of the SQLite session store on a real database migrated with the plugin's own
 * migration files: create and read back, the guarded append (exactly one of two
 * appends from one version wins; a stale or missing session changes nothing), run
 * links (each run once, in order), the event history (in order, never rewritten), and
 * keyset-paginated lists with filters that neither skip nor repeat a session when new
 * ones arrive between pages.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, beforeEach, describe, test } from "node:test";
import { newId } from "../../contracts/ids.js";
import {
  SessionAlreadyExistsError,
  type SessionStore,
  type SessionTransition,
  type WorkflowSession,
} from "../../contracts/ports/session_store.js";
import { applyMigrations, loadMigrations, migrationStatus } from "../../kernel/db/migrations.js";
import { openSqlite, type SqliteDatabase } from "../../kernel/db/sqlite.js";
import { SqliteSessionStore } from "./sqlite_session_store.js";

const MIGRATIONS = () =>
  loadMigrations([{ plugin: "workflow-sessions", dir: new URL("./migrations/sqlite/", import.meta.url) }]);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function openMigrated(): Promise<SqliteDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-wfs-store-"));
  dirs.push(dir);
  const database = openSqlite(path.join(dir, "rmos.db"));
  await applyMigrations(database, MIGRATIONS());
  return database;
}

const now = () => new Date().toISOString();

function newSession(store: SessionStore, fields: { workflow?: string; run_ids?: string[] } = {}) {
  return store.create({
    session_id: newId("wfs").id,
    workflow: fields.workflow ?? "rosette-cut",
    context: { design_id: "d1", nested: { list: [1, "two", null, true] } },
    run_ids: fields.run_ids ?? [],
    created_at_utc: now(),
    created_by: "token:ci",
  });
}

const submit = (extra: Partial<SessionTransition> = {}): SessionTransition => ({
  event: "submit_feasibility",
  from_state: "DRAFT",
  to_state: "FEASIBILITY_CHECKED",
  at: now(),
  created_by: "alice@example.com",
  ...extra,
});

describe("SqliteSessionStore", () => {
  let database: SqliteDatabase;
  let store: SqliteSessionStore;
  beforeEach(async () => {
    database = await openMigrated();
    store = new SqliteSessionStore(database.connection);
  });

  test("the plugin's migrations apply once; a second run changes nothing", async () => {
    const status = await migrationStatus(database, MIGRATIONS());
    assert.deepEqual(
      status.applied.map((a) => a.id),
      ["0001_init_workflow_sessions", "0002_add_indexes", "0003_created_by"],
    );
    const schema = database.connection.prepare("SELECT sql FROM sqlite_master ORDER BY name").pluck().all();
    assert.deepEqual(await applyMigrations(database, MIGRATIONS()), []);
    assert.deepEqual(database.connection.prepare("SELECT sql FROM sqlite_master ORDER BY name").pluck().all(), schema);
  });

  test("creates a session in DRAFT at version 1 and reads it back as created", async () => {
    const created = await newSession(store, { run_ids: ["run_0123456789ab", "run_00000000000f"] });
    assert.equal(created.state, "DRAFT");
    assert.equal(created.version, 1);
    assert.deepEqual(created.run_ids, ["run_0123456789ab", "run_00000000000f"]);
    assert.deepEqual(created.context, { design_id: "d1", nested: { list: [1, "two", null, true] } });
    assert.equal(created.updated_at_utc, created.created_at_utc);
    assert.deepEqual(await store.get(created.session_id), created);
    assert.equal(await store.get(newId("wfs").id), undefined);
    assert.deepEqual(await store.events(created.session_id), []);
  });

  test("refuses a second session with the same id", async () => {
    const created = await newSession(store);
    await assert.rejects(
      store.create({ ...created, context: {}, run_ids: [] }),
      (error: unknown) => error instanceof SessionAlreadyExistsError && error.sessionId === created.session_id,
    );
  });

  test("appends an event: new state, version + 1, the event recorded and its run linked", async () => {
    const s = await newSession(store, { run_ids: ["run_0123456789ab"] });
    const at = now();
    const result = await store.appendEvent(
      s.session_id,
      1,
      submit({ run_id: "run_00000000000f", note: "chipload ok", at }),
    );
    assert.equal(result.outcome, "appended");
    assert.ok(result.outcome === "appended");
    assert.equal(result.session.state, "FEASIBILITY_CHECKED");
    assert.equal(result.session.version, 2);
    assert.equal(result.session.updated_at_utc, at);
    assert.deepEqual(result.session.run_ids, ["run_0123456789ab", "run_00000000000f"]);
    assert.deepEqual(result.event, {
      seq: 1,
      event: "submit_feasibility",
      from_state: "DRAFT",
      to_state: "FEASIBILITY_CHECKED",
      run_id: "run_00000000000f",
      note: "chipload ok",
      at,
      version: 2,
      created_by: "alice@example.com",
    });
    assert.equal(result.session.created_by, "token:ci", "the session keeps its creator; the event has its own");
    assert.deepEqual(await store.get(s.session_id), result.session);
  });

  test("a run named again is linked once", async () => {
    const s = await newSession(store, { run_ids: ["run_0123456789ab"] });
    await store.appendEvent(s.session_id, 1, submit({ run_id: "run_0123456789ab" }));
    const r = await store.appendEvent(s.session_id, 2, {
      event: "approve",
      from_state: "FEASIBILITY_CHECKED",
      to_state: "APPROVED",
      run_id: "run_0123456789ab",
      at: now(),
    });
    assert.ok(r.outcome === "appended");
    assert.deepEqual(r.session.run_ids, ["run_0123456789ab"]);
    assert.deepEqual(
      (await store.events(s.session_id))?.map((e) => e.run_id),
      ["run_0123456789ab", "run_0123456789ab"],
    );
  });

  test("two appends from the same version: exactly one wins, the other changes nothing", async () => {
    const s = await newSession(store);
    const results = await Promise.all([
      store.appendEvent(s.session_id, 1, submit({ note: "first" })),
      store.appendEvent(s.session_id, 1, {
        event: "cancel",
        from_state: "DRAFT",
        to_state: "CANCELLED",
        run_id: "run_0123456789ab",
        at: now(),
      }),
    ]);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["appended", "stale"],
    );
    const stale = results[1];
    assert.ok(stale?.outcome === "stale");
    assert.equal(stale.current.version, 2);
    assert.equal(stale.current.state, "FEASIBILITY_CHECKED");
    assert.deepEqual(stale.current.run_ids, [], "the losing event's run was not linked");
    assert.deepEqual(
      (await store.events(s.session_id))?.map((e) => e.note),
      ["first"],
    );
  });

  test("a stale version or an unknown session changes nothing", async () => {
    const s = await newSession(store);
    await store.appendEvent(s.session_id, 1, submit());
    const before = await store.get(s.session_id);
    const stale = await store.appendEvent(s.session_id, 1, submit());
    assert.equal(stale.outcome, "stale");
    assert.deepEqual(await store.get(s.session_id), before);
    assert.equal((await store.events(s.session_id))?.length, 1);
    assert.deepEqual(await store.appendEvent(newId("wfs").id, 1, submit()), { outcome: "not_found" });
    assert.equal(await store.events(newId("wfs").id), undefined);
  });

  test("a transition from a state the session is not in is refused as a caller error", async () => {
    const s = await newSession(store);
    await assert.rejects(
      store.appendEvent(s.session_id, 1, {
        event: "approve",
        from_state: "FEASIBILITY_CHECKED",
        to_state: "APPROVED",
        at: now(),
      }),
      /is at version 1 but in state DRAFT, not FEASIBILITY_CHECKED/,
    );
    assert.deepEqual(await store.get(s.session_id), s);
  });

  test("the history is in order and earlier events are never rewritten", async () => {
    const s = await newSession(store);
    const steps: Array<Omit<SessionTransition, "at">> = [
      { event: "submit_feasibility", from_state: "DRAFT", to_state: "FEASIBILITY_CHECKED" },
      { event: "approve", from_state: "FEASIBILITY_CHECKED", to_state: "APPROVED" },
      { event: "generate_toolpaths", from_state: "APPROVED", to_state: "TOOLPATHS_READY" },
      { event: "complete", from_state: "TOOLPATHS_READY", to_state: "COMPLETED" },
    ];
    const seen = [];
    for (const [i, step] of steps.entries()) {
      const r = await store.appendEvent(s.session_id, i + 1, { ...step, at: now() });
      assert.ok(r.outcome === "appended");
      seen.push(r.event);
      assert.deepEqual(await store.events(s.session_id), seen, `after event ${i + 1}`);
    }
    const events = (await store.events(s.session_id)) ?? [];
    assert.deepEqual(
      events.map((e) => [e.seq, e.version, e.from_state, e.to_state]),
      steps.map((step, i) => [i + 1, i + 2, step.from_state, step.to_state]),
    );
  });

  test("the database refuses an event row out of sequence (version must be seq + 1)", async () => {
    const s = await newSession(store);
    assert.throws(
      () =>
        database.connection
          .prepare(
            "INSERT INTO workflow_session_events (session_id, seq, event, from_state, to_state, at_utc, version) VALUES (?, 1, 'approve', 'DRAFT', 'APPROVED', ?, 5)",
          )
          .run(s.session_id, now()),
      /CHECK constraint failed/,
    );
  });

  test("lists newest first with filters and a cursor that neither skips nor repeats", async () => {
    const made: WorkflowSession[] = [];
    for (let i = 0; i < 7; i++) made.push(await newSession(store, { workflow: i % 2 === 0 ? "even" : "odd" }));
    await store.appendEvent(made[0]?.session_id as string, 1, submit());
    await store.appendEvent(made[3]?.session_id as string, 1, submit());
    const newestFirst = made.map((m) => m.session_id).reverse();

    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.list({ limit: 3, after });
      pages.push(page.items.map((s) => s.session_id));
      if (pages.length === 1) await newSession(store); // arrives between pages; sorts before the cursor
      if (page.next === null) break;
      after = page.next;
    }
    assert.deepEqual(pages.flat(), newestFirst);
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );

    const even = await store.list({ workflow: "even", limit: 10 });
    assert.deepEqual(
      even.items.map((s) => s.session_id),
      newestFirst.filter((id) => made.find((m) => m.session_id === id)?.workflow === "even"),
    );
    assert.equal(even.next, null);
    const checked = await store.list({ state: "FEASIBILITY_CHECKED", limit: 10 });
    assert.deepEqual(
      checked.items.map((s) => s.session_id),
      [made[3]?.session_id, made[0]?.session_id],
    );
    const both = await store.list({ workflow: "odd", state: "FEASIBILITY_CHECKED", limit: 10 });
    assert.deepEqual(
      both.items.map((s) => s.session_id),
      [made[3]?.session_id],
    );
    const exact = await store.list({ workflow: "odd", limit: 3 });
    assert.equal(exact.items.length, 3);
    assert.equal(exact.next, null, "a page that ends exactly at the last item says so");
  });
});
