/**
 * Concurrency of session changes beyond one event loop: two processes that share the
 * SQLite file and change one session from the same version at the same instant (the
 * embedded backend's two-instance case), and parallel requests over real HTTP on
 * 127.0.0.1. In both, exactly one change wins and exactly one event is recorded.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { newId } from "../../src/contracts/ids.js";
import { applyMigrations, loadMigrations } from "../../src/kernel/db/migrations.js";
import { openSqlite } from "../../src/kernel/db/sqlite.js";
import { SqliteSessionStore } from "../../src/plugins/workflow-sessions/sqlite_session_store.js";
import { jsonBody, startTestServer } from "../../src/testing/test_kernel.js";
import { runNodeScriptOk } from "../../src/testing/child_script.js";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const STORE_URL = new URL("../../src/plugins/workflow-sessions/sqlite_session_store.js", import.meta.url).href;
const SQLITE_URL = new URL("../../src/kernel/db/sqlite.js", import.meta.url).href;

/** In a child process at `startAt`: appends `event` to the session from version 1; answers the outcome. */
function appendInChild(dbFile: string, sessionId: string, event: "submit_feasibility" | "cancel", startAt: number) {
  const args = JSON.stringify({ store: STORE_URL, sqlite: SQLITE_URL, dbFile, sessionId, event, startAt });
  const code = `
    const a = JSON.parse(process.env.RMOS_TEST_ARGS);
    const { openSqlite } = await import(a.sqlite);
    const { SqliteSessionStore } = await import(a.store);
    const database = openSqlite(a.dbFile);
    const store = new SqliteSessionStore(database.connection);
    const to = a.event === "cancel" ? "CANCELLED" : "FEASIBILITY_CHECKED";
    const wait = a.startAt - Date.now();
    if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    const r = await store.appendEvent(a.sessionId, 1, {
      event: a.event, from_state: "DRAFT", to_state: to, note: "pid " + process.pid, at: new Date().toISOString(),
    });
    database.close();
    process.stdout.write(r.outcome);
  `;
  return runNodeScriptOk(code, { RMOS_TEST_ARGS: args });
}

describe("two processes change one session from the same version", () => {
  test("exactly one wins; the other is told the session moved on", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-wfs-procs-"));
    dirs.push(dir);
    const dbFile = path.join(dir, "rmos.db");
    const database = openSqlite(dbFile);
    await applyMigrations(
      database,
      loadMigrations([
        {
          plugin: "workflow-sessions",
          dir: new URL("../../src/plugins/workflow-sessions/migrations/sqlite/", import.meta.url),
        },
      ]),
    );
    const store = new SqliteSessionStore(database.connection);
    try {
      for (let round = 0; round < 2; round++) {
        const session = await store.create({
          session_id: newId("wfs").id,
          workflow: "two-processes",
          context: {},
          run_ids: [],
          created_at_utc: new Date().toISOString(),
        });
        const startAt = Date.now() + 800;
        const outcomes = await Promise.all([
          appendInChild(dbFile, session.session_id, "submit_feasibility", startAt),
          appendInChild(dbFile, session.session_id, "cancel", startAt),
        ]);
        assert.deepEqual([...outcomes].sort(), ["appended", "stale"], `round ${round}: ${outcomes}`);
        const events = (await store.events(session.session_id)) ?? [];
        assert.equal(events.length, 1);
        const now = await store.get(session.session_id);
        assert.equal(now?.version, 2);
        assert.equal(now?.state, outcomes[0] === "appended" ? "FEASIBILITY_CHECKED" : "CANCELLED");
        assert.equal(events[0]?.to_state, now?.state);
      }
    } finally {
      database.close();
    }
  });
});

describe("parallel requests over HTTP", () => {
  test("from the same ETag: one 200, the rest 412", async () => {
    const server = await startTestServer({ env: { RMOS_PLUGINS: "runs,workflow-sessions" } });
    try {
      const res = await fetch(`${server.baseUrl}/workflow-sessions`, jsonBody({ workflow: "http-race" }));
      assert.equal(res.status, 201);
      const { session_id: id } = (await res.json()) as { session_id: string };
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          fetch(
            `${server.baseUrl}/workflow-sessions/${id}/events`,
            jsonBody({ event: i % 2 ? "cancel" : "submit_feasibility" }, { "if-match": '"1"' }),
          ),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [200, 412, 412, 412, 412, 412]);
      for (const a of answers) await a.body?.cancel();
      const history = (await (await fetch(`${server.baseUrl}/workflow-sessions/${id}/events`)).json()) as {
        items: unknown[];
      };
      assert.equal(history.items.length, 1);
    } finally {
      await server.close();
    }
  });
});
