/**
 * The workflow-sessions plugin's route definitions (createRoute only): paths,
 * parameters, bodies and every status code, as they appear in openapi.json.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import {
  CreateSessionRequestSchema,
  SessionEventListSchema,
  SessionEventRequestSchema,
  SessionIdSchema,
  SessionPageSchema,
  SessionStateSchema,
  WorkflowSessionSchema,
} from "./schemas.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "workflow-sessions";

const ETAG_HEADER = {
  ETag: { schema: { type: "string" as const }, description: 'the session\'s version, quoted (e.g. "3")' },
};

export const SessionIdParams = z.object({
  session_id: SessionIdSchema.openapi({ param: { name: "session_id", in: "path" } }),
});

const ListQuery = z
  .object({
    workflow: z.string().min(1).max(200).optional(),
    state: SessionStateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ type: "integer", example: 50 }),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export const createSessionRoute = createRoute({
  method: "post",
  path: "/workflow-sessions",
  operationId: "createWorkflowSession",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Start a workflow session (state DRAFT, version 1)",
  description: "Every run in run_ids must exist (422 otherwise, naming each missing one).",
  request: {
    body: { required: true, content: { "application/json": { schema: CreateSessionRequestSchema } } },
  },
  responses: {
    201: {
      ...jsonContent(WorkflowSessionSchema, "created"),
      headers: {
        Location: { schema: { type: "string" }, description: "the session's URL" },
        ...ETAG_HEADER,
      },
    },
    ...problemResponses(400, 422),
  },
});

export const listSessionsRoute = createRoute({
  method: "get",
  path: "/workflow-sessions",
  operationId: "listWorkflowSessions",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "List workflow sessions, newest first, with cursor pagination",
  description:
    "Filters by workflow and state. A page holds at most `limit` sessions; pass its next_cursor as `cursor` for the next page (null on the last).",
  request: { query: ListQuery },
  responses: { 200: jsonContent(SessionPageSchema, "a page of sessions"), ...problemResponses(400) },
});

export const getSessionRoute = createRoute({
  method: "get",
  path: "/workflow-sessions/{session_id}",
  operationId: "getWorkflowSession",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Get a workflow session; its ETag is its version",
  description:
    "Answers the session's current state, context, runs and version. Send the ETag back as If-Match when applying an event; an If-None-Match that matches the current version answers 304.",
  request: {
    params: SessionIdParams,
    headers: z.object({ "if-none-match": z.string().optional() }),
  },
  responses: {
    200: { ...jsonContent(WorkflowSessionSchema, "the session"), headers: ETAG_HEADER },
    304: { description: "not modified (If-None-Match matched the current version)", headers: ETAG_HEADER },
    ...problemResponses(400, 404),
  },
});

export const postSessionEventRoute = createRoute({
  method: "post",
  path: "/workflow-sessions/{session_id}/events",
  operationId: "postWorkflowSessionEvent",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Apply an event to a session (If-Match required)",
  description:
    "If-Match must carry the ETag of the version the change is based on: missing or * → 428, another version → 412. An event the state machine does not allow in the current state → 409; a run_id naming no run → 422. On success the session's state and version change and the event is appended to its history, atomically.",
  request: {
    params: SessionIdParams,
    headers: z.object({
      "if-match": z.string().optional().openapi({ description: 'the ETag of the version you read, e.g. "3"' }),
    }),
    body: { required: true, content: { "application/json": { schema: SessionEventRequestSchema } } },
  },
  responses: {
    200: { ...jsonContent(WorkflowSessionSchema, "the session in its new state"), headers: ETAG_HEADER },
    ...problemResponses(400, 404, 409, 412, 422, 428),
  },
});

export const listSessionEventsRoute = createRoute({
  method: "get",
  path: "/workflow-sessions/{session_id}/events",
  operationId: "listWorkflowSessionEvents",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "The session's append-only event history, in order",
  description:
    "Every event applied to the session, oldest first, each with the state it led from and to; events are never changed or removed.",
  request: { params: SessionIdParams },
  responses: { 200: jsonContent(SessionEventListSchema, "every event, oldest first"), ...problemResponses(400, 404) },
});
