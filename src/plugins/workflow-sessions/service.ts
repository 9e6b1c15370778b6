/**
 * The rules of workflow sessions, free of HTTP: create (server-assigned id and time,
 * linked runs must exist), get, list (filters, cursor pagination), apply an event
 * (version check, state machine, named run must exist, then one atomic guarded write)
 * and the event history. Every refusal is a ProblemError and leaves the session as
 * it was.
 *
 * The checks run in this order, so that the most useful answer wins: unknown session
 * 404; version not matched 412 (a client that has not seen the current state should
 * re-read it before anything else is said); event not allowed in the current state
 * 409; named run missing 422. A change that passes them can still lose a race with a
 * concurrent one from the same version: the store's guarded write then refuses it and
 * the answer is 412 as well.
 */
import { canonicalize } from "../../contracts/jcs.js";
import { decodeCursor, encodeCursor } from "../../contracts/cursor.js";
import { SESSION_ID_PATTERN, newId } from "../../contracts/ids.js";
import type { RunStore } from "../../contracts/ports/run_store.js";
import type {
  SessionEventRecord,
  SessionState,
  SessionStore,
  WorkflowSession,
} from "../../contracts/ports/session_store.js";
import { type FieldError, ProblemError, notFound } from "../../contracts/problem.js";
import { etagOf } from "./if_match.js";
import type { CreateSessionRequest, SessionEventRequest } from "./schemas.js";
import { allowedEvents, nextState } from "./state_machine.js";

export interface SessionsServiceDeps {
  readonly store: SessionStore;
  /** To check that runs named by a request exist. */
  readonly runs: RunStore;
}

export interface SessionListParams {
  readonly workflow?: string | undefined;
  readonly state?: SessionState | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** A 412 naming the version the session is at now. */
function staleVersion(current: WorkflowSession): ProblemError {
  return new ProblemError(
    412,
    `workflow session ${current.session_id} is at version ${current.version} (ETag ${etagOf(current.version)}, state ${current.state}); re-read it and decide again`,
    {
      slug: "stale-version",
      extensions: { current_version: current.version, current_state: current.state },
    },
  );
}

export class WorkflowSessionsService {
  constructor(private readonly deps: SessionsServiceDeps) {}

  /** Creates a session in state DRAFT, version 1, recording `principal` as its creator. */
  async create(request: CreateSessionRequest, principal: string): Promise<WorkflowSession> {
    const context = request.context ?? {};
    canonicalize(context); // refuses values that cannot be stored faithfully (depth, lone surrogates): 400
    const runIds = request.run_ids ?? [];
    const errors: FieldError[] = [];
    for (const [i, runId] of runIds.entries()) {
      if (!(await this.deps.runs.has(runId))) {
        errors.push({
          location: "body",
          pointer: `/run_ids/${i}`,
          message: `run ${runId} does not exist`,
          code: "unknown_run",
        });
      }
    }
    if (errors.length > 0) {
      throw new ProblemError(422, `${errors.length} of the runs to link do not exist`, {
        slug: "unknown-run",
        errors,
      });
    }
    const { id, time } = newId("wfs");
    return this.deps.store.create({
      session_id: id,
      workflow: request.workflow,
      context,
      run_ids: runIds,
      created_at_utc: new Date(time).toISOString(),
      created_by: principal,
    });
  }

  /** The session; 404 when unknown. */
  async get(sessionId: string): Promise<WorkflowSession> {
    const session = await this.deps.store.get(sessionId);
    if (!session) throw notFound("workflow session", sessionId);
    return session;
  }

  /** A page of sessions, newest first, and the cursor of the next page. */
  async list(params: SessionListParams): Promise<{ items: WorkflowSession[]; next_cursor: string | null }> {
    let after: string | undefined;
    if (params.cursor !== undefined) {
      [after] = decodeCursor(params.cursor, ["string"] as const);
      if (!SESSION_ID_PATTERN.test(after)) {
        throw new ProblemError(400, "the cursor is not one this service issued; pass next_cursor back unchanged", {
          slug: "invalid-cursor",
          errors: [{ location: "query", pointer: "cursor", message: "malformed cursor", code: "invalid_cursor" }],
        });
      }
    }
    const page = await this.deps.store.list({
      workflow: params.workflow,
      state: params.state,
      limit: params.limit,
      after,
    });
    return { items: page.items, next_cursor: page.next !== null ? encodeCursor([page.next]) : null };
  }

  /**
   * Applies `request` to the session when it is at one of `versions` (from If-Match)
   * and the state machine allows the event; answers the changed session and the event.
   */
  async applyEvent(
    sessionId: string,
    versions: readonly number[],
    request: SessionEventRequest,
    principal: string,
  ): Promise<{ session: WorkflowSession; event: SessionEventRecord }> {
    const current = await this.get(sessionId);
    if (!versions.includes(current.version)) throw staleVersion(current);
    const to = nextState(current.state, request.event);
    if (to === undefined) {
      const allowed = allowedEvents(current.state);
      throw new ProblemError(
        409,
        `event ${request.event} is not allowed in state ${current.state}; allowed: ${allowed.length > 0 ? allowed.join(", ") : "none (final state)"}`,
        {
          slug: "transition-not-allowed",
          extensions: { state: current.state, event: request.event, allowed_events: allowed },
        },
      );
    }
    if (request.run_id !== undefined && !(await this.deps.runs.has(request.run_id))) {
      throw new ProblemError(422, `run ${request.run_id} does not exist`, {
        slug: "unknown-run",
        errors: [{ location: "body", pointer: "/run_id", message: "run does not exist", code: "unknown_run" }],
      });
    }
    const result = await this.deps.store.appendEvent(sessionId, current.version, {
      event: request.event,
      from_state: current.state,
      to_state: to,
      run_id: request.run_id,
      note: request.note,
      at: new Date().toISOString(),
      created_by: principal,
    });
    if (result.outcome === "not_found") throw notFound("workflow session", sessionId);
    if (result.outcome === "stale") throw staleVersion(result.current);
    return { session: result.session, event: result.event };
  }

  /** The session's events, in order; 404 when the session is unknown. */
  async events(sessionId: string): Promise<SessionEventRecord[]> {
    const events = await this.deps.store.events(sessionId);
    if (!events) throw notFound("workflow session", sessionId);
    return events;
  }
}
