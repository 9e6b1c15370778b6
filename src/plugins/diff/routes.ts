/**
 * The diff plugin's route definition (createRoute only): `GET /runs/diff?a=&b=`, its query
 * (two run ids, checked against the run id pattern before anything touches storage) and
 * its answers, with the response shapes registered as OpenAPI components (RunDiff,
 * RunDiffChange, JsonPatchOperation, DiffSeverity).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { RunIdSchema } from "../../contracts/artifact.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import { SEVERITIES } from "./severity.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "diff";

export const DiffSeveritySchema = z.enum(SEVERITIES).openapi("DiffSeverity", {
  description:
    "How much a difference matters: NONE (equal), INFO, WARNING, CRITICAL. The table of rules is in docs/plugins/diff.md.",
});

export const RunDiffChangeSchema = z
  .object({
    path: z.string().openapi({
      description: "JSON Pointer (RFC 6901) of the change: into b, or into a for a remove.",
      example: "/decision/risk_level",
    }),
    op: z.enum(["add", "remove", "replace", "move"]),
    from: z.string().optional().openapi({
      description: "For a move only: the element's JSON Pointer in a (identity arrays such as attachments).",
    }),
    before: z.unknown().optional().openapi({ description: "The value in a; absent for add and move." }),
    after: z.unknown().optional().openapi({ description: "The value in b; absent for remove and move." }),
    severity: DiffSeveritySchema,
  })
  .openapi("RunDiffChange");

const pointer = (description: string) => z.string().openapi({ description });

export const JsonPatchOperationSchema = z
  .discriminatedUnion("op", [
    z.object({ op: z.literal("add"), path: pointer("where to add"), value: z.unknown() }),
    z.object({ op: z.literal("remove"), path: pointer("what to remove") }),
    z.object({ op: z.literal("replace"), path: pointer("what to replace"), value: z.unknown() }),
    z.object({ op: z.literal("move"), from: pointer("where the value is"), path: pointer("where it goes") }),
    z.object({ op: z.literal("copy"), from: pointer("where the value is"), path: pointer("where the copy goes") }),
    z.object({ op: z.literal("test"), path: pointer("what to compare"), value: z.unknown() }),
  ])
  .openapi("JsonPatchOperation", {
    description: "One RFC 6902 operation. The diff emits add, remove, replace and move only.",
  });

export const RunDiffSchema = z
  .object({
    a: RunIdSchema,
    b: RunIdSchema,
    severity: DiffSeveritySchema.openapi({ description: "The maximum severity of the changes; NONE when equal." }),
    changes: z.array(RunDiffChangeSchema),
    patch: z
      .array(JsonPatchOperationSchema)
      .openapi({ description: "RFC 6902 JSON Patch that turns a into b (both in the current schema version)." }),
  })
  .openapi("RunDiff");

const DiffQuery = z
  .object({
    a: RunIdSchema.openapi({ param: { name: "a", in: "query", description: "the run compared from" } }),
    b: RunIdSchema.openapi({ param: { name: "b", in: "query", description: "the run compared to" } }),
  })
  .strict();

export const diffRunsRoute = createRoute({
  method: "get",
  path: "/runs/diff",
  operationId: "diffRuns",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "What changed between two runs, and how much it matters",
  description:
    "Compares run a with run b (both in the current schema version): every change with its JSON Pointer, op, before, after and severity; the overall severity (the maximum); and an RFC 6902 JSON Patch turning a into b. Attachments, advisory inputs and warnings are matched by identity, so a reorder is reported as moves.",
  request: { query: DiffQuery },
  responses: {
    200: jsonContent(RunDiffSchema, "the differences"),
    ...problemResponses(400, 404),
  },
});
