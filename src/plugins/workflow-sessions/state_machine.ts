/**
 * The state machine of a workflow session (SPEC "workflow-sessions"), as one table:
 * for each state, the events allowed in it and the state each leads to. Everything
 * else — the service's 409, the documented list of allowed events, the tests that
 * try every state with every event — is derived from {@link TRANSITIONS}, so the rule
 * is written down exactly once.
 *
 * DRAFT →(submit_feasibility)→ FEASIBILITY_CHECKED →(approve)→ APPROVED | (reject)→
 * REJECTED; APPROVED →(generate_toolpaths)→ TOOLPATHS_READY →(complete)→ COMPLETED;
 * any non-final state →(cancel)→ CANCELLED. REJECTED, COMPLETED and CANCELLED are final.
 */
import { SESSION_EVENTS, type SessionEventName, type SessionState } from "../../contracts/ports/session_store.js";

/** state → event → next state; an event missing from a state's row is not allowed there. */
export const TRANSITIONS: Readonly<Record<SessionState, Readonly<Partial<Record<SessionEventName, SessionState>>>>> = {
  DRAFT: { submit_feasibility: "FEASIBILITY_CHECKED", cancel: "CANCELLED" },
  FEASIBILITY_CHECKED: { approve: "APPROVED", reject: "REJECTED", cancel: "CANCELLED" },
  APPROVED: { generate_toolpaths: "TOOLPATHS_READY", cancel: "CANCELLED" },
  TOOLPATHS_READY: { complete: "COMPLETED", cancel: "CANCELLED" },
  REJECTED: {},
  COMPLETED: {},
  CANCELLED: {},
};

/** The state a session starts in. */
export const INITIAL_STATE: SessionState = "DRAFT";

/** The state `event` leads to from `state`, or undefined when it is not allowed there. */
export function nextState(state: SessionState, event: SessionEventName): SessionState | undefined {
  return TRANSITIONS[state][event];
}

/** The events allowed in `state`, in the order of SESSION_EVENTS. */
export function allowedEvents(state: SessionState): SessionEventName[] {
  return SESSION_EVENTS.filter((event) => TRANSITIONS[state][event] !== undefined);
}

/** Whether no event is allowed in `state` any more. */
export function isFinal(state: SessionState): boolean {
  return allowedEvents(state).length === 0;
}
