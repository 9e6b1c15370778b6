/**
 * HTTP tests of the workflow-sessions plugin on an in-process kernel (runs +
 * workflow-sessions, fresh data directory): create, get with ETag, list with filters
 * and cursor pagination, the event endpoint with If-Match (428, 400, 412), every state
 * × every event of the state machine (each allowed one moves the session, each refused
 * one is a 409 that changes nothing), runs named by a request checked against the run
 * store (422), the append-only history, concurrent events from one version (exactly
 * one wins), and bad input answered with problem+json, never a 500.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SESSION_EVENTS, SESSION_STATES, type SessionState } from "../../src/contracts/ports/session_store.js";
import { TRANSITIONS } from "../../src/plugins/workflow-sessions/state_machine.js";
import { jsonBody, sampleRunRequest, startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

interface Session {
  session_id: string;
  workflow: string;
  state: SessionState;
  context: Record<string, unknown>;
  run_ids: string[];
  version: number;
  created_at_utc: string;
  updated_at_utc: string;
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: Array<{ location: string; pointer: string; code: string }>;
  [extension: string]: unknown;
}

let t: TestKernel;
let runA: string;
let runB: string;

before(async () => {
  t = await startTestKernel({ env: { RMOS_PLUGINS: "runs,workflow-sessions" } });
  const created = await Promise.all(
    [0, 1].map(
      async () => ((await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as { run_id: string }).run_id,
    ),
  );
  [runA, runB] = created as [string, string];
});
after(async () => {
  await t.close();
});

async function create(body: Record<string, unknown> = { workflow: "rosette-cut" }): Promise<Session> {
  const res = await t.request("workflow-sessions", jsonBody(body));
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Session;
}

function postEvent(id: string, body: unknown, ifMatch?: string): Promise<Response> {
  return t.request(
    `workflow-sessions/${id}/events`,
    jsonBody(body, ifMatch === undefined ? {} : { "if-match": ifMatch }),
  );
}

async function get(id: string): Promise<Session> {
  const res = await t.request(`workflow-sessions/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Session;
}

async function history(id: string): Promise<Array<Record<string, unknown>>> {
  const res = await t.request(`workflow-sessions/${id}/events`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
}

/** Asserts a problem+json answer with `status`; answers its body. */
async function problem(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  assert.equal(body.status, status);
  assert.ok(body.type && body.detail);
  return body;
}

/** The shortest list of events that takes a new session from DRAFT to `target`. */
function pathTo(target: SessionState): string[] {
  const queue: Array<{ state: SessionState; events: string[] }> = [{ state: "DRAFT", events: [] }];
  const seen = new Set<SessionState>();
  for (let item = queue.shift(); item; item = queue.shift()) {
    if (item.state === target) return item.events;
    if (seen.has(item.state)) continue;
    seen.add(item.state);
    for (const [event, to] of Object.entries(TRANSITIONS[item.state])) {
      queue.push({ state: to as SessionState, events: [...item.events, event] });
    }
  }
  throw new Error(`${target} is unreachable`);
}

/** A new session driven to `target` through the API. */
async function sessionIn(target: SessionState): Promise<Session> {
  let session = await create({ workflow: `to-${target}` });
  for (const event of pathTo(target)) {
    const res = await postEvent(session.session_id, { event }, `"${session.version}"`);
    assert.equal(res.status, 200, await res.clone().text());
    session = (await res.json()) as Session;
  }
  assert.equal(session.state, target);
  return session;
}

describe("POST /workflow-sessions", () => {
  test("creates a DRAFT session at version 1 with Location and ETag", async () => {
    const res = await t.request(
      "workflow-sessions",
      jsonBody({ workflow: "rosette-cut", context: { design_id: "d7", params: { rings: 3 } }, run_ids: [runA] }),
    );
    assert.equal(res.status, 201);
    const s = (await res.json()) as Session;
    assert.match(s.session_id, /^wfs_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(res.headers.get("location"), `/api/rmos/workflow-sessions/${s.session_id}`);
    assert.equal(res.headers.get("etag"), '"1"');
    assert.deepEqual(
      { ...s, session_id: "", created_at_utc: "", updated_at_utc: "" },
      {
        session_id: "",
        workflow: "rosette-cut",
        state: "DRAFT",
        context: { design_id: "d7", params: { rings: 3 } },
        run_ids: [runA],
        version: 1,
        created_at_utc: "",
        updated_at_utc: "",
        created_by: "anonymous",
      },
    );
    assert.match(s.created_at_utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(s.updated_at_utc, s.created_at_utc);
    assert.deepEqual(await get(s.session_id), s);
  });

  test("context and run_ids are optional", async () => {
    const s = await create({ workflow: "bare" });
    assert.deepEqual(s.context, {});
    assert.deepEqual(s.run_ids, []);
  });

  test("bad bodies are 400 with field errors, and create nothing", async () => {
    const before = await t
      .request("workflow-sessions?limit=500")
      .then((r) => r.json() as Promise<{ items: unknown[] }>);
    const cases: Array<[unknown, string]> = [
      [{}, "/workflow"],
      [{ workflow: "" }, "/workflow"],
      [{ workflow: 3 }, "/workflow"],
      [{ workflow: "w", extra: 1 }, ""],
      [{ workflow: "w", context: [1, 2] }, "/context"],
      [{ workflow: "w", context: null }, "/context"],
      [{ workflow: "w", context: "text" }, "/context"],
      [{ workflow: "w", run_ids: ["not-a-run"] }, "/run_ids/0"],
      [{ workflow: "w", run_ids: "run_0123456789ab" }, "/run_ids"],
      [{ workflow: "w", run_ids: [runA, runA] }, "/run_ids/1"],
      [{ workflow: "x".repeat(201) }, "/workflow"],
    ];
    for (const [body, pointer] of cases) {
      const p = await problem(await t.request("workflow-sessions", jsonBody(body)), 400);
      assert.ok(
        p.errors?.some((e) => e.location === "body" && (pointer === "" || e.pointer === pointer)),
        `${JSON.stringify(body)}: ${JSON.stringify(p.errors)}`,
      );
    }
    await problem(
      await t.request("workflow-sessions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      }),
      400,
    );
    let deep: unknown = {};
    for (let i = 0; i < 2000; i++) deep = { d: deep };
    await problem(await t.request("workflow-sessions", jsonBody({ workflow: "deep", context: deep })), 400);
    const after = await t.request("workflow-sessions?limit=500").then((r) => r.json() as Promise<{ items: unknown[] }>);
    assert.equal(after.items.length, before.items.length);
  });

  test("runs that do not exist are 422, each named, and nothing is created", async () => {
    const p = await problem(
      await t.request(
        "workflow-sessions",
        jsonBody({ workflow: "ghost", run_ids: [runA, "run_0123456789ab", runB, "run_00000000000a"] }),
      ),
      422,
    );
    assert.equal(p.type, "urn:rmos:problem:unknown-run");
    assert.deepEqual(
      p.errors?.map((e) => e.pointer),
      ["/run_ids/1", "/run_ids/3"],
    );
    const list = (await (await t.request("workflow-sessions?workflow=ghost")).json()) as { items: unknown[] };
    assert.deepEqual(list.items, []);
  });
});

describe("GET /workflow-sessions/{id}", () => {
  test("ETag is the quoted version; If-None-Match with it → 304", async () => {
    const s = await sessionIn("FEASIBILITY_CHECKED");
    const res = await t.request(`workflow-sessions/${s.session_id}`);
    assert.equal(res.headers.get("etag"), '"2"');
    const cached = await t.request(`workflow-sessions/${s.session_id}`, { headers: { "if-none-match": '"2"' } });
    assert.equal(cached.status, 304);
    const old = await t.request(`workflow-sessions/${s.session_id}`, { headers: { "if-none-match": '"1"' } });
    assert.equal(old.status, 200);
  });

  test("unknown → 404; malformed or traversing ids → 400/404, never 500", async () => {
    await problem(await t.request("workflow-sessions/wfs_01JD0Q3ZK9N8M6T5R4P3Q2W1X0"), 404);
    await problem(await t.request("workflow-sessions/wfs_01JD0Q3ZK9N8M6T5R4P3Q2W1X0/events"), 404);
    for (const bad of [
      "wfs_bad",
      "run_0123456789ab",
      "..%2f..%2fetc",
      "%2e%2e",
      "wfs_01JD0Q3ZK9N8M6T5R4P3Q2W1XO",
      "wfs_%00",
    ]) {
      const res = await t.request(`workflow-sessions/${bad}`);
      assert.ok(res.status === 400 || res.status === 404, `${bad}: ${res.status}`);
      const ev = await postEvent(bad, { event: "cancel" }, '"1"');
      assert.ok(ev.status === 400 || ev.status === 404, `${bad} events: ${ev.status}`);
    }
  });

  test("sessions cannot be replaced or deleted: PUT, PATCH, DELETE → 405", async () => {
    const s = await create();
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await t.request(`workflow-sessions/${s.session_id}`, { method });
      await problem(res, 405);
      await problem(await t.request(`workflow-sessions/${s.session_id}/events`, { method }), 405);
    }
    assert.deepEqual(await get(s.session_id), s);
  });
});

describe("POST /workflow-sessions/{id}/events: the state machine", () => {
  for (const state of SESSION_STATES) {
    for (const event of SESSION_EVENTS) {
      const to = TRANSITIONS[state][event];
      test(`${state} + ${event} → ${to === undefined ? "409, nothing changes" : `200 ${to}`}`, async () => {
        const s = await sessionIn(state);
        const eventsBefore = await history(s.session_id);
        const res = await postEvent(s.session_id, { event, note: `try ${event}` }, `"${s.version}"`);
        if (to !== undefined) {
          assert.equal(res.status, 200, await res.clone().text());
          const moved = (await res.json()) as Session;
          assert.equal(moved.state, to);
          assert.equal(moved.version, s.version + 1);
          assert.equal(res.headers.get("etag"), `"${s.version + 1}"`);
          assert.deepEqual(await get(s.session_id), moved);
          const events = await history(s.session_id);
          assert.equal(events.length, eventsBefore.length + 1);
          assert.deepEqual(events.at(-1), {
            seq: eventsBefore.length + 1,
            event,
            from_state: state,
            to_state: to,
            note: `try ${event}`,
            at: moved.updated_at_utc,
            version: moved.version,
            created_by: "anonymous",
          });
        } else {
          const p = await problem(res, 409);
          assert.equal(p.type, "urn:rmos:problem:transition-not-allowed");
          assert.equal(p.state, state);
          assert.equal(p.event, event);
          assert.deepEqual(
            p.allowed_events,
            SESSION_EVENTS.filter((e) => TRANSITIONS[state][e] !== undefined),
          );
          assert.deepEqual(await get(s.session_id), s);
          assert.deepEqual(await history(s.session_id), eventsBefore);
        }
      });
    }
  }
});

describe("POST /workflow-sessions/{id}/events: If-Match", () => {
  test("missing → 428; * → 428; not an entity-tag → 400; and nothing changes", async () => {
    const s = await create();
    let p = await problem(await postEvent(s.session_id, { event: "submit_feasibility" }), 428);
    assert.equal(p.type, "urn:rmos:problem:if-match-required");
    p = await problem(await postEvent(s.session_id, { event: "submit_feasibility" }, "*"), 428);
    p = await problem(await postEvent(s.session_id, { event: "submit_feasibility" }, "1"), 400);
    assert.equal(p.errors?.[0]?.pointer, "if-match");
    assert.deepEqual(await get(s.session_id), s);
    assert.deepEqual(await history(s.session_id), []);
  });

  test("a stale or weak version → 412 naming the current version; nothing changes", async () => {
    const s = await sessionIn("APPROVED");
    for (const stale of ['"1"', '"2"', '"4"', 'W/"3"', '"abc"']) {
      const p = await problem(await postEvent(s.session_id, { event: "cancel" }, stale), 412);
      assert.equal(p.type, "urn:rmos:problem:stale-version");
      assert.equal(p.current_version, 3);
      assert.equal(p.current_state, "APPROVED");
    }
    assert.deepEqual(await get(s.session_id), s);
    assert.equal((await history(s.session_id)).length, 2);
    const ok = await postEvent(s.session_id, { event: "generate_toolpaths" }, '"1", "3"');
    assert.equal(ok.status, 200, "a list of tags matches when one of them is current");
  });

  test("412 comes before 409: a client that has not seen the current state must re-read first", async () => {
    const s = await sessionIn("COMPLETED");
    await problem(await postEvent(s.session_id, { event: "approve" }, '"1"'), 412);
    await problem(await postEvent(s.session_id, { event: "approve" }, `"${s.version}"`), 409);
  });

  test("an unknown session → 404, after the If-Match check", async () => {
    const id = "wfs_01JD0Q3ZK9N8M6T5R4P3Q2W1X0";
    await problem(await postEvent(id, { event: "cancel" }), 428);
    await problem(await postEvent(id, { event: "cancel" }, '"1"'), 404);
  });
});

describe("POST /workflow-sessions/{id}/events: bodies and runs", () => {
  test("bad bodies are 400 with field errors; nothing changes", async () => {
    const s = await create();
    const cases: Array<[unknown, string]> = [
      [{}, "/event"],
      [{ event: "launch" }, "/event"],
      [{ event: "SUBMIT_FEASIBILITY" }, "/event"],
      [{ event: "cancel", run_id: "nope" }, "/run_id"],
      [{ event: "cancel", note: "" }, "/note"],
      [{ event: "cancel", note: "n".repeat(2001) }, "/note"],
      [{ event: "cancel", actor: "me" }, ""],
      [[{ event: "cancel" }], ""],
    ];
    for (const [body, pointer] of cases) {
      const p = await problem(await postEvent(s.session_id, body, '"1"'), 400);
      assert.ok(
        p.errors?.some((e) => e.location === "body" && (pointer === "" || e.pointer === pointer)),
        `${JSON.stringify(body)}: ${JSON.stringify(p.errors)}`,
      );
    }
    assert.deepEqual(await get(s.session_id), s);
  });

  test("an event naming a run that does not exist → 422; nothing changes", async () => {
    const s = await create();
    const p = await problem(
      await postEvent(s.session_id, { event: "submit_feasibility", run_id: "run_0123456789ab" }, '"1"'),
      422,
    );
    assert.equal(p.type, "urn:rmos:problem:unknown-run");
    assert.deepEqual(
      p.errors?.map((e) => [e.pointer, e.code]),
      [["/run_id", "unknown_run"]],
    );
    assert.deepEqual(await get(s.session_id), s);
    assert.deepEqual(await history(s.session_id), []);
  });

  test("an event naming an existing run links it to the session, once", async () => {
    const s = await create({ workflow: "linking", run_ids: [runA] });
    let res = await postEvent(s.session_id, { event: "submit_feasibility", run_id: runB }, '"1"');
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as Session).run_ids, [runA, runB]);
    res = await postEvent(s.session_id, { event: "approve", run_id: runA }, '"2"');
    assert.deepEqual(((await res.json()) as Session).run_ids, [runA, runB]);
    const events = await history(s.session_id);
    assert.deepEqual(
      events.map((e) => e.run_id),
      [runB, runA],
    );
  });
});

describe("GET /workflow-sessions/{id}/events", () => {
  test("the whole history, in order, each event chained to the one before", async () => {
    const s = await sessionIn("COMPLETED");
    const events = await history(s.session_id);
    assert.deepEqual(
      events.map((e) => [e.seq, e.event, e.from_state, e.to_state, e.version]),
      [
        [1, "submit_feasibility", "DRAFT", "FEASIBILITY_CHECKED", 2],
        [2, "approve", "FEASIBILITY_CHECKED", "APPROVED", 3],
        [3, "generate_toolpaths", "APPROVED", "TOOLPATHS_READY", 4],
        [4, "complete", "TOOLPATHS_READY", "COMPLETED", 5],
      ],
    );
    for (const e of events) {
      assert.equal("run_id" in e, false, "no run_id when none was named");
      assert.equal("note" in e, false, "no note when none was given");
      assert.match(e.at as string, /Z$/);
    }
    const ats = events.map((e) => e.at as string);
    assert.deepEqual([...ats].sort(), ats);
  });
});

describe("concurrent events on one session", () => {
  test("from the same version: exactly one wins, the others get 412, one event is recorded", async () => {
    const s = await create({ workflow: "race" });
    const bodies = Array.from({ length: 8 }, (_, i) => ({
      event: i % 2 === 0 ? "submit_feasibility" : "cancel",
      note: `contender ${i}`,
    }));
    const answers = await Promise.all(bodies.map((b) => postEvent(s.session_id, b, '"1"')));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((x) => x === 200).length, 1, `statuses: ${statuses}`);
    assert.equal(statuses.filter((x) => x === 412).length, 7, `statuses: ${statuses}`);
    const winner = bodies[statuses.indexOf(200)];
    const events = await history(s.session_id);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.note, winner?.note);
    const now = await get(s.session_id);
    assert.equal(now.version, 2);
    assert.equal(now.state, winner?.event === "cancel" ? "CANCELLED" : "FEASIBILITY_CHECKED");
  });
});

describe("GET /workflow-sessions", () => {
  test("filters by workflow and state, newest first, with a cursor over every page", async () => {
    const workflow = "paged";
    const made: Session[] = [];
    for (let i = 0; i < 5; i++) made.push(await create({ workflow }));
    const cancelled = made[1] as Session;
    await postEvent(cancelled.session_id, { event: "cancel" }, '"1"');
    const ids: string[] = [];
    let url = `workflow-sessions?workflow=${workflow}&limit=2`;
    for (let pages = 0; pages < 10; pages++) {
      const res = await t.request(url);
      assert.equal(res.status, 200);
      const page = (await res.json()) as { items: Session[]; next_cursor: string | null };
      assert.ok(page.items.length <= 2);
      ids.push(...page.items.map((s) => s.session_id));
      if (page.next_cursor === null) break;
      url = `workflow-sessions?workflow=${workflow}&limit=2&cursor=${encodeURIComponent(page.next_cursor)}`;
    }
    assert.deepEqual(ids, made.map((s) => s.session_id).reverse());
    const byState = (await (await t.request(`workflow-sessions?workflow=${workflow}&state=CANCELLED`)).json()) as {
      items: Session[];
      next_cursor: string | null;
    };
    assert.deepEqual(
      byState.items.map((s) => [s.session_id, s.state, s.version]),
      [[cancelled.session_id, "CANCELLED", 2]],
    );
    assert.equal(byState.next_cursor, null);
  });

  test("bad parameters are 400", async () => {
    const cursorOfRun = Buffer.from(JSON.stringify(["run_0123456789ab"])).toString("base64url");
    for (const query of [
      "limit=0",
      "limit=501",
      "limit=ten",
      "state=DONE",
      "workflow=",
      "colour=red",
      "cursor=!!!",
      "cursor=eyJ4IjoxfQ",
      `cursor=${cursorOfRun}`,
    ]) {
      await problem(await t.request(`workflow-sessions?${query}`), 400);
    }
  });
});

describe("service integration", () => {
  test("/readyz counts the plugin's migrations; openapi.json lists every operation and status", async () => {
    const ready = await t.request("/readyz");
    assert.equal(ready.status, 200);
    const doc = (await (await t.request("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { operationId: string; tags: string[]; responses: Record<string, unknown> }>
      >;
    };
    const ops = Object.values(doc.paths)
      .flatMap((p) => Object.values(p))
      .filter((o) => o.tags.includes("workflow-sessions"));
    assert.deepEqual(ops.map((o) => o.operationId).sort(), [
      "createWorkflowSession",
      "getWorkflowSession",
      "listWorkflowSessionEvents",
      "listWorkflowSessions",
      "postWorkflowSessionEvent",
    ]);
    const post = doc.paths["/api/rmos/workflow-sessions/{session_id}/events"]?.post;
    // 414, 429 and 507 are the kernel's request limits and full-storage answer (docs/operations.md, Limits);
    // 401 and 403 its authentication and role check (docs/auth.md); 503 a database that refuses writes.
    assert.deepEqual(Object.keys(post?.responses ?? {}).sort(), [
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "412",
      "413",
      "414",
      "415",
      "422",
      "428",
      "429",
      "500",
      "503",
      "507",
    ]);
  });
});
