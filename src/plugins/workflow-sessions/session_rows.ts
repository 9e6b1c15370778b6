/**
 * The rows of `workflow_sessions` and `workflow_session_events` as both session stores
 * (SQLite, PostgreSQL) read them, and their mapping to the port's records. PostgreSQL
 * answers BIGINT columns as strings, so numbers are taken with `Number`. A state or
 * event name the state machine does not know (a row edited by hand) is an error naming
 * the row, never passed on.
 */
import {
  SESSION_EVENTS,
  SESSION_STATES,
  type SessionEventName,
  type SessionEventRecord,
  type SessionState,
  type WorkflowSession,
} from "../../contracts/ports/session_store.js";

/** A row of `workflow_sessions`. */
export interface SessionRow {
  session_id: string;
  workflow: string;
  state: string;
  context_json: string;
  version: string | number;
  created_at_utc: string;
  updated_at_utc: string;
  created_by: string;
}

/** A row of `workflow_session_events`. */
export interface EventRow {
  seq: string | number;
  event: string;
  from_state: string;
  to_state: string;
  run_id: string | null;
  note: string | null;
  at_utc: string;
  version: string | number;
  created_by: string;
}

/** The columns of a SessionRow. */
export const SESSION_COLUMNS =
  "session_id, workflow, state, context_json, version, created_at_utc, updated_at_utc, created_by";
/** The columns of an EventRow. */
export const EVENT_COLUMNS = "seq, event, from_state, to_state, run_id, note, at_utc, version, created_by";

/** Who wrote a row when the caller named nobody (as before authentication existed). */
export const NOBODY = "anonymous";

function asState(value: string, where: string): SessionState {
  if (!(SESSION_STATES as readonly string[]).includes(value)) {
    throw new Error(`workflow session store: unknown state "${value}" in ${where}`);
  }
  return value as SessionState;
}

function asEvent(value: string, where: string): SessionEventName {
  if (!(SESSION_EVENTS as readonly string[]).includes(value)) {
    throw new Error(`workflow session store: unknown event "${value}" in ${where}`);
  }
  return value as SessionEventName;
}

/** The event record of a row of session `sessionId`. */
export function eventOf(row: EventRow, sessionId: string): SessionEventRecord {
  const where = `event ${row.seq} of ${sessionId}`;
  return {
    seq: Number(row.seq),
    event: asEvent(row.event, where),
    from_state: asState(row.from_state, where),
    to_state: asState(row.to_state, where),
    ...(row.run_id !== null ? { run_id: row.run_id } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
    at: row.at_utc,
    version: Number(row.version),
    created_by: row.created_by,
  };
}

/** The session of a row, with its linked runs in link order. */
export function sessionOf(row: SessionRow, runIds: string[]): WorkflowSession {
  return {
    session_id: row.session_id,
    workflow: row.workflow,
    state: asState(row.state, `session ${row.session_id}`),
    context: JSON.parse(row.context_json) as Record<string, unknown>,
    run_ids: runIds,
    version: Number(row.version),
    created_at_utc: row.created_at_utc,
    updated_at_utc: row.updated_at_utc,
    created_by: row.created_by,
  };
}
