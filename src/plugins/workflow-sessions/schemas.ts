/**
 * The workflow-session data model as zod schemas: what a client sends (create, event)
 * and what it gets back (session, event history, page). The HTTP layer validates with
 * them and openapi.json is generated from them; the TypeScript types of the store port
 * (src/contracts/ports/session_store.ts) describe the same shapes.
 */
import { z } from "@hono/zod-openapi";
import { RunIdSchema, UtcTimestampSchema } from "../../contracts/artifact.js";
import { SESSION_ID_PATTERN } from "../../contracts/ids.js";
import { SESSION_EVENTS, SESSION_STATES } from "../../contracts/ports/session_store.js";

/** The most runs a session may be created with. */
export const MAX_CREATE_RUN_IDS = 500;
/** The longest note an event may carry. */
export const MAX_NOTE_LENGTH = 2000;

export const SessionIdSchema = z
  .string()
  .regex(SESSION_ID_PATTERN, "must be wfs_ followed by a ULID")
  .openapi("SessionId", { example: "wfs_01JD0Q3ZK9N8M6T5R4P3Q2W1X0" });

export const SessionStateSchema = z.enum(SESSION_STATES).openapi("WorkflowSessionState", {
  description:
    "DRAFT →(submit_feasibility)→ FEASIBILITY_CHECKED →(approve)→ APPROVED | (reject)→ REJECTED; APPROVED →(generate_toolpaths)→ TOOLPATHS_READY →(complete)→ COMPLETED; any non-final state →(cancel)→ CANCELLED.",
});

export const SessionEventNameSchema = z.enum(SESSION_EVENTS).openapi("WorkflowSessionEventName");

const JsonObject = z.record(z.string(), z.unknown());

export const WorkflowSessionSchema = z
  .object({
    session_id: SessionIdSchema,
    workflow: z.string(),
    state: SessionStateSchema,
    context: JsonObject,
    run_ids: z.array(RunIdSchema).openapi({ description: "Linked runs, in the order they were linked." }),
    version: z
      .number()
      .int()
      .min(1)
      .openapi({ description: "1 at creation, +1 per event; the ETag is its quoted value." }),
    created_at_utc: UtcTimestampSchema,
    updated_at_utc: UtcTimestampSchema,
    created_by: z
      .string()
      .openapi({ description: "The principal that created the session (`anonymous` when authentication is off)." }),
  })
  .openapi("WorkflowSession");

export const CreateSessionRequestSchema = z
  .object({
    workflow: z.string().min(1, "must not be empty").max(200).openapi({ example: "rosette-cut" }),
    context: JsonObject.optional().openapi({ description: "Free-form JSON object, kept as given." }),
    run_ids: z
      .array(RunIdSchema)
      .max(MAX_CREATE_RUN_IDS)
      .optional()
      .openapi({ description: "Existing runs to link from the start (each must exist: 422 otherwise)." }),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    (value.run_ids ?? []).forEach((runId, i) => {
      if (seen.has(runId)) ctx.addIssue({ code: "custom", path: ["run_ids", i], message: "listed twice" });
      seen.add(runId);
    });
  })
  .openapi("CreateWorkflowSessionRequest");
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

export const SessionEventRequestSchema = z
  .object({
    event: SessionEventNameSchema,
    run_id: RunIdSchema.optional().openapi({
      description: "A run the event is about; it must exist (422) and is linked.",
    }),
    note: z.string().min(1, "must not be empty").max(MAX_NOTE_LENGTH).optional(),
  })
  .strict()
  .openapi("WorkflowSessionEventRequest");
export type SessionEventRequest = z.infer<typeof SessionEventRequestSchema>;

export const SessionEventSchema = z
  .object({
    seq: z.number().int().min(1),
    event: SessionEventNameSchema,
    from_state: SessionStateSchema,
    to_state: SessionStateSchema,
    run_id: RunIdSchema.optional(),
    note: z.string().optional(),
    at: UtcTimestampSchema,
    version: z.number().int().min(2).openapi({ description: "The session's version after this event." }),
    created_by: z
      .string()
      .openapi({ description: "The principal that posted the event (`anonymous` when authentication is off)." }),
  })
  .openapi("WorkflowSessionEvent");

export const SessionEventListSchema = z
  .object({ items: z.array(SessionEventSchema) })
  .openapi("WorkflowSessionEventList");

export const SessionPageSchema = z
  .object({
    items: z.array(WorkflowSessionSchema),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as ?cursor= for the next page; null on the last page." }),
  })
  .openapi("WorkflowSessionPage");
