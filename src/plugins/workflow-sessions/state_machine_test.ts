/**
 * Tests of the session state machine: the table says exactly what SPEC says (the
 * arrows are written out again here, independently of the table), every state ×
 * every event gives the SPEC answer, the final states allow nothing, cancel works
 * from every other state, and every state can be reached from DRAFT.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SESSION_EVENTS, SESSION_STATES, type SessionState } from "../../contracts/ports/session_store.js";
import { INITIAL_STATE, TRANSITIONS, allowedEvents, isFinal, nextState } from "./state_machine.js";

/** SPEC "workflow-sessions", arrow by arrow. */
const SPEC_ARROWS = [
  "DRAFT submit_feasibility FEASIBILITY_CHECKED",
  "FEASIBILITY_CHECKED approve APPROVED",
  "FEASIBILITY_CHECKED reject REJECTED",
  "APPROVED generate_toolpaths TOOLPATHS_READY",
  "TOOLPATHS_READY complete COMPLETED",
  "DRAFT cancel CANCELLED",
  "FEASIBILITY_CHECKED cancel CANCELLED",
  "APPROVED cancel CANCELLED",
  "TOOLPATHS_READY cancel CANCELLED",
];
const FINAL: readonly SessionState[] = ["REJECTED", "COMPLETED", "CANCELLED"];

describe("the workflow-session state machine", () => {
  test("has a row for every state and names only known events and states", () => {
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...SESSION_STATES].sort());
    for (const [state, row] of Object.entries(TRANSITIONS)) {
      for (const [event, to] of Object.entries(row)) {
        assert.ok((SESSION_EVENTS as readonly string[]).includes(event), `${state}: unknown event ${event}`);
        assert.ok((SESSION_STATES as readonly string[]).includes(to as string), `${state}: unknown state ${to}`);
      }
    }
  });

  for (const state of SESSION_STATES) {
    for (const event of SESSION_EVENTS) {
      const arrow = SPEC_ARROWS.find((a) => a.startsWith(`${state} ${event} `));
      const expected = arrow?.split(" ")[2];
      test(`${state} + ${event} → ${expected ?? "refused"}`, () => {
        assert.equal(nextState(state, event), expected);
        assert.equal(allowedEvents(state).includes(event), expected !== undefined);
      });
    }
  }

  test("REJECTED, COMPLETED and CANCELLED are final; every other state can be cancelled", () => {
    for (const state of SESSION_STATES) {
      assert.equal(isFinal(state), FINAL.includes(state), state);
      if (!FINAL.includes(state)) assert.equal(nextState(state, "cancel"), "CANCELLED");
    }
  });

  test("every state is reachable from DRAFT, the initial state", () => {
    assert.equal(INITIAL_STATE, "DRAFT");
    const seen = new Set<SessionState>([INITIAL_STATE]);
    const queue: SessionState[] = [INITIAL_STATE];
    for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
      for (const event of allowedEvents(state)) {
        const to = nextState(state, event) as SessionState;
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    assert.deepEqual([...seen].sort(), [...SESSION_STATES].sort());
  });
});
