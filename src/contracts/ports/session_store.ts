/**
 * The workflow-session store port: sessions that follow one job from design to
 * completed cut, whatever the backend (SQLite embedded, PostgreSQL scale-out).
 *
 * Unlike run artifacts, a session changes state, so every change goes through
 * `appendEvent` with the version the caller last saw (optimistic concurrency): the
 * store applies the change and appends the event in one atomic step only when the
 * session is still at that version, so of two changes made from the same version
 * exactly one wins; the other gets a typed conflict. Events are append-only. Which
 * transitions are allowed is the workflow-sessions plugin's rule, not the store's:
 * the store records the transition it is given, guarded by version and state.
 */
import { token } from "../token.js";

/** Every state of a session (SPEC "workflow-sessions"). */
export const SESSION_STATES = [
  "DRAFT",
  "FEASIBILITY_CHECKED",
  "APPROVED",
  "REJECTED",
  "TOOLPATHS_READY",
  "COMPLETED",
  "CANCELLED",
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Every event a client may post to a session. */
export const SESSION_EVENTS = [
  "submit_feasibility",
  "approve",
  "reject",
  "generate_toolpaths",
  "complete",
  "cancel",
] as const;
export type SessionEventName = (typeof SESSION_EVENTS)[number];

/** A workflow session as the API shows it. */
export interface WorkflowSession {
  readonly session_id: string;
  readonly workflow: string;
  readonly state: SessionState;
  readonly context: Record<string, unknown>;
  /** The runs linked to the session, in the order they were linked. */
  readonly run_ids: string[];
  /** 1 at creation, +1 with every event; the ETag is `"<version>"`. */
  readonly version: number;
  readonly created_at_utc: string;
  readonly updated_at_utc: string;
  /** The principal that created the session. */
  readonly created_by: string;
}

/** One recorded event of a session's history. */
export interface SessionEventRecord {
  /** 1, 2, ... in the order the events were applied. */
  readonly seq: number;
  readonly event: SessionEventName;
  readonly from_state: SessionState;
  readonly to_state: SessionState;
  readonly run_id?: string;
  readonly note?: string;
  readonly at: string;
  /** The session's version after this event. */
  readonly version: number;
  /** The principal that posted the event. */
  readonly created_by: string;
}

/** A new session, as the service builds it (state DRAFT, version 1). */
export interface NewSession {
  readonly session_id: string;
  readonly workflow: string;
  readonly context: Record<string, unknown>;
  readonly run_ids: readonly string[];
  readonly created_at_utc: string;
  /** The principal creating it (default `anonymous`). */
  readonly created_by?: string | undefined;
}

/** A transition to record: the state it starts from and the one it leads to. */
export interface SessionTransition {
  readonly event: SessionEventName;
  readonly from_state: SessionState;
  readonly to_state: SessionState;
  /** A run the event names; it is linked to the session (once). */
  readonly run_id?: string | undefined;
  readonly note?: string | undefined;
  readonly at: string;
  /** The principal posting it (default `anonymous`). */
  readonly created_by?: string | undefined;
}

/** What `appendEvent` answers: the changed session, or why nothing changed. */
export type AppendEventResult =
  | { readonly outcome: "appended"; readonly session: WorkflowSession; readonly event: SessionEventRecord }
  | { readonly outcome: "not_found" }
  /** The session is no longer at the expected version (or state); nothing was written. */
  | { readonly outcome: "stale"; readonly current: WorkflowSession };

/** Filters and page position of a list (newest first, by session id). */
export interface SessionListQuery {
  readonly workflow?: string | undefined;
  readonly state?: SessionState | undefined;
  readonly limit: number;
  /** The last session id of the previous page. */
  readonly after?: string | undefined;
}

export interface SessionPage {
  readonly items: WorkflowSession[];
  /** The last session id of this page when more may follow, else null. */
  readonly next: string | null;
}

/** Raised by `create` for a session id that is already stored. */
export class SessionAlreadyExistsError extends Error {
  override readonly name = "SessionAlreadyExistsError";
  constructor(readonly sessionId: string) {
    super(`workflow session ${sessionId} already exists`);
  }
}

export interface SessionStore {
  /** Stores a new session in state DRAFT at version 1; throws SessionAlreadyExistsError. */
  create(session: NewSession): Promise<WorkflowSession>;
  /** The session, or undefined. */
  get(sessionId: string): Promise<WorkflowSession | undefined>;
  /** A page of sessions, newest first. */
  list(query: SessionListQuery): Promise<SessionPage>;
  /**
   * Atomically: when the session is at `expectedVersion` and in `transition.from_state`,
   * sets its state, bumps its version, links the named run and appends the event.
   * Otherwise changes nothing and says why.
   */
  appendEvent(sessionId: string, expectedVersion: number, transition: SessionTransition): Promise<AppendEventResult>;
  /** The session's events in order, or undefined when there is no such session. */
  events(sessionId: string): Promise<SessionEventRecord[] | undefined>;
}

export const SESSION_STORE = token<SessionStore>("SessionStore");
