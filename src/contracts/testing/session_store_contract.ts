/**
 * The SessionStore contract kit: what every workflow-session store backend must do
 * (SQLite embedded today, PostgreSQL next). Call `sessionStoreContract(name, factory)`
 * in a test file; it registers node:test suites, each against a fresh, empty store.
 *
 * What it checks: a new session is DRAFT at version 1 and reads back as created; an id
 * is stored once; unknown sessions are "not found" everywhere; a change applies only
 * from the expected version and state (another version is "stale" with the current
 * session; another state at that version is stale or an error; nothing is written), bumps the version, links a named run once and appends the event; of two
 * changes from the same version exactly one wins; lists are newest first, filtered and
 * paged without overlap.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newId } from "../ids.js";
import {
  type NewSession,
  SessionAlreadyExistsError,
  type SessionStore,
  type SessionTransition,
} from "../ports/session_store.js";

export interface SessionStoreUnderTest {
  readonly store: SessionStore;
  /** Closes the store and removes its data. */
  cleanup(): Promise<void>;
}

/** A new session with a fresh id. */
function newSession(fields: Partial<NewSession> = {}): NewSession {
  return {
    session_id: newId("wfs").id,
    workflow: "rosette-cut",
    context: { design_id: "d1", nested: { list: [1, "two", null, true] } },
    run_ids: [],
    created_at_utc: new Date().toISOString(),
    ...fields,
  };
}

const submit = (extra: Partial<SessionTransition> = {}): SessionTransition => ({
  event: "submit_feasibility",
  from_state: "DRAFT",
  to_state: "FEASIBILITY_CHECKED",
  at: new Date().toISOString(),
  ...extra,
});

const RUN_A = "run_01JN0000000000000000000001";
const RUN_B = "run_01JN0000000000000000000002";

/** Registers the SessionStore contract suites for the backend made by `factory`. */
export function sessionStoreContract(name: string, factory: () => Promise<SessionStoreUnderTest>): void {
  const withStore = (fn: (store: SessionStore) => Promise<void>) => async () => {
    const { store, cleanup } = await factory();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };

  describe(`SessionStore contract: ${name}`, () => {
    test(
      "a new session is DRAFT at version 1 and reads back exactly as created",
      withStore(async (store) => {
        const fresh = newSession({ run_ids: [RUN_B, RUN_A] });
        const created = await store.create(fresh);
        assert.equal(created.state, "DRAFT");
        assert.equal(created.version, 1);
        assert.deepEqual(created.run_ids, [RUN_B, RUN_A], "linked runs keep their order");
        assert.deepEqual(created.context, fresh.context);
        assert.equal(created.created_at_utc, fresh.created_at_utc);
        assert.deepEqual(await store.get(fresh.session_id), created);
        assert.deepEqual(await store.events(fresh.session_id), []);
      }),
    );

    test(
      "created_by is kept: the session's creator, each event's author; anonymous when none is named",
      withStore(async (store) => {
        const named = await store.create(newSession({ created_by: "token:ci" }));
        assert.equal(named.created_by, "token:ci");
        const moved = await store.appendEvent(named.session_id, 1, submit({ created_by: "alice@example.com" }));
        assert.ok(moved.outcome === "appended");
        assert.equal(moved.event.created_by, "alice@example.com");
        assert.equal(moved.session.created_by, "token:ci", "an event does not change who created the session");
        assert.deepEqual(
          (await store.events(named.session_id))?.map((e) => e.created_by),
          ["alice@example.com"],
        );
        const unnamed = await store.create(newSession());
        assert.equal(unnamed.created_by, "anonymous");
      }),
    );

    test(
      "a session id is stored once: a second create is refused and changes nothing",
      withStore(async (store) => {
        const fresh = newSession();
        const created = await store.create(fresh);
        await assert.rejects(store.create({ ...fresh, workflow: "other" }), SessionAlreadyExistsError);
        assert.deepEqual(await store.get(fresh.session_id), created);
      }),
    );

    test(
      "an unknown session: get and events answer undefined, appendEvent not_found",
      withStore(async (store) => {
        const id = newId("wfs").id;
        assert.equal(await store.get(id), undefined);
        assert.equal(await store.events(id), undefined);
        assert.deepEqual(await store.appendEvent(id, 1, submit()), { outcome: "not_found" });
      }),
    );

    test(
      "a change from the expected version and state applies: new state, version + 1, run linked once, event appended",
      withStore(async (store) => {
        const s = await store.create(newSession({ run_ids: [RUN_A] }));
        const first = await store.appendEvent(s.session_id, 1, submit({ run_id: RUN_B, note: "checked" }));
        assert.equal(first.outcome, "appended");
        if (first.outcome !== "appended") return;
        assert.equal(first.session.state, "FEASIBILITY_CHECKED");
        assert.equal(first.session.version, 2);
        assert.deepEqual(first.session.run_ids, [RUN_A, RUN_B]);
        assert.equal(first.event.seq, 1);
        assert.equal(first.event.version, 2);
        assert.equal(first.event.note, "checked");
        assert.equal(first.event.run_id, RUN_B);
        const second = await store.appendEvent(s.session_id, 2, {
          event: "approve",
          from_state: "FEASIBILITY_CHECKED",
          to_state: "APPROVED",
          run_id: RUN_A,
          at: new Date().toISOString(),
        });
        assert.equal(second.outcome, "appended");
        if (second.outcome !== "appended") return;
        assert.deepEqual(second.session.run_ids, [RUN_A, RUN_B], "a run already linked is not linked twice");
        assert.deepEqual(await store.get(s.session_id), second.session);
        const events = (await store.events(s.session_id)) ?? [];
        assert.deepEqual(
          events.map((e) => [e.seq, e.version, e.event, e.from_state, e.to_state]),
          [
            [1, 2, "submit_feasibility", "DRAFT", "FEASIBILITY_CHECKED"],
            [2, 3, "approve", "FEASIBILITY_CHECKED", "APPROVED"],
          ],
        );
      }),
    );

    test(
      "a change from another version is stale (the current session is answered); from another state it is refused; nothing is written",
      withStore(async (store) => {
        const s = await store.create(newSession());
        const wrongVersion = await store.appendEvent(s.session_id, 7, submit());
        assert.deepEqual(wrongVersion, { outcome: "stale", current: s });
        const wrongState = await store
          .appendEvent(s.session_id, 1, {
            event: "approve",
            from_state: "FEASIBILITY_CHECKED",
            to_state: "APPROVED",
            at: new Date().toISOString(),
          })
          .catch((error: unknown) => error);
        // The service never asks this (it reads version and state together): a store may
        // answer stale or throw, but must not apply it.
        if (wrongState instanceof Error) assert.match(wrongState.message, /state/);
        else assert.deepEqual(wrongState, { outcome: "stale", current: s });
        assert.deepEqual(await store.get(s.session_id), s);
        assert.deepEqual(await store.events(s.session_id), []);
      }),
    );

    test(
      "of concurrent changes from the same version exactly one wins; the others are stale",
      withStore(async (store) => {
        const s = await store.create(newSession());
        const outcomes = await Promise.all([
          store.appendEvent(s.session_id, 1, submit()),
          store.appendEvent(s.session_id, 1, {
            event: "cancel",
            from_state: "DRAFT",
            to_state: "CANCELLED",
            at: new Date().toISOString(),
          }),
          store.appendEvent(s.session_id, 1, submit({ note: "again" })),
        ]);
        assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ["appended", "stale", "stale"]);
        const events = (await store.events(s.session_id)) ?? [];
        assert.equal(events.length, 1);
        assert.equal((await store.get(s.session_id))?.version, 2);
      }),
    );

    test(
      "lists are newest first, filtered by workflow and state, and paged without overlap",
      withStore(async (store) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const s = await store.create(newSession({ workflow: i % 2 === 0 ? "even" : "odd" }));
          ids.push(s.session_id);
        }
        await store.appendEvent(ids[0] as string, 1, submit());
        const all = await store.list({ limit: 10 });
        assert.deepEqual(
          all.items.map((s) => s.session_id),
          [...ids].reverse(),
        );
        assert.equal(all.next, null);
        const even = await store.list({ workflow: "even", limit: 10 });
        assert.deepEqual(
          even.items.map((s) => s.session_id),
          [ids[4], ids[2], ids[0]],
        );
        const checked = await store.list({ state: "FEASIBILITY_CHECKED", limit: 10 });
        assert.deepEqual(
          checked.items.map((s) => s.session_id),
          [ids[0]],
        );
        const seen: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < 5; page++) {
          const p = await store.list({ limit: 2, after });
          seen.push(...p.items.map((s) => s.session_id));
          if (p.next === null) break;
          assert.equal(p.next, p.items.at(-1)?.session_id);
          after = p.next;
        }
        assert.deepEqual(seen, [...ids].reverse());
      }),
    );
  });
}
