/**
 * `client.sessions`: workflow sessions — create, read, list (every page), and move
 * one along its state machine. An event is sent with `If-Match` naming the session
 * version the caller last saw, so that two callers cannot both act on the same state:
 * the later one gets a 412 RmosProblem and reads the session again. Events are not
 * retried automatically (a repeat after a lost answer would meet a new version).
 */
import { everyItem } from "./pages.js";
import type { CallOptions } from "./runs.js";
import { jsonOf, type Transport } from "./transport.js";
import type {
  CreateWorkflowSessionRequest,
  SessionFilters,
  WorkflowSession,
  WorkflowSessionEventList,
  WorkflowSessionEventRequest,
} from "./types.js";

/** The workflow-sessions resource. */
export interface SessionsApi {
  create(body: CreateWorkflowSessionRequest, options?: CallOptions): Promise<WorkflowSession>;
  get(sessionId: string, options?: CallOptions): Promise<WorkflowSession>;
  /** Every session matching `filters`, across every page. */
  list(filters?: SessionFilters, options?: CallOptions): AsyncGenerator<WorkflowSession>;
  /**
   * Applies `event` to the session at `version` (sent as `If-Match`); answers the new
   * state. A stale version is a 412 RmosProblem, a transition not allowed a 409.
   */
  event(
    sessionId: string,
    event: WorkflowSessionEventRequest,
    options: CallOptions & { version: number },
  ): Promise<WorkflowSession>;
  /** The session's append-only event history. */
  events(sessionId: string, options?: CallOptions): Promise<WorkflowSessionEventList>;
}

const sessionPath = (id: string) => `/workflow-sessions/${encodeURIComponent(id)}`;

/** The workflow-sessions resource over `transport`. */
export function sessionsApi(transport: Transport): SessionsApi {
  const get = async <T>(path: string, options: CallOptions, query?: Record<string, string | number | undefined>) =>
    jsonOf<T>(
      await transport.send({
        method: "GET",
        path,
        retry: true,
        expect: [200],
        ...(query ? { query } : {}),
        ...options,
      }),
    );
  return {
    create: async (body, options = {}) =>
      jsonOf<WorkflowSession>(
        await transport.send({
          method: "POST",
          path: "/workflow-sessions",
          json: body,
          retry: false,
          expect: [201],
          ...options,
        }),
      ),
    get: (sessionId, options = {}) => get(sessionPath(sessionId), options),
    list: (filters = {}, options = {}) =>
      everyItem((cursor) =>
        get<{ items: WorkflowSession[]; next_cursor: string | null }>("/workflow-sessions", options, {
          ...filters,
          cursor,
        }),
      ),
    event: async (sessionId, event, { version, ...options }) => {
      if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`not a session version: ${version}`);
      return jsonOf<WorkflowSession>(
        await transport.send({
          method: "POST",
          path: `${sessionPath(sessionId)}/events`,
          json: event,
          headers: { "if-match": `"${version}"` },
          retry: false,
          expect: [200],
          ...options,
        }),
      );
    },
    events: (sessionId, options = {}) => get(`${sessionPath(sessionId)}/events`, options),
  };
}
