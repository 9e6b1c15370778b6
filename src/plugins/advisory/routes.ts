/**
 * The advisory plugin's route definitions (createRoute only): paths, parameters, bodies
 * and every status code, as they appear in openapi.json.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { AdvisoryIdSchema, RunIdSchema } from "../../contracts/artifact.js";
import { jsonContent, problemResponses } from "../../contracts/http.js";
import {
  AdvisoryAssetSchema,
  AdvisoryLinkSchema,
  AttachAdvisoryRequestSchema,
  CreateAdvisoryRequestSchema,
  ReviewRequestSchema,
  RunAdvisoriesSchema,
  SuggestAndAttachResultSchema,
} from "./schemas.js";
import { operationRoles, ROLES_FOR } from "../../kernel/plugin_api/auth.js";

const TAG = "advisory";

const AssetIdParams = z.object({
  asset_id: AdvisoryIdSchema.openapi({ param: { name: "asset_id", in: "path" } }),
});

const RunIdParams = z.object({
  run_id: RunIdSchema.openapi({ param: { name: "run_id", in: "path" } }),
});

const json = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const createAdvisoryRoute = createRoute({
  method: "post",
  path: "/advisories",
  operationId: "createAdvisory",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Store an advisory asset (write-once, pending review)",
  description:
    "The server assigns asset_id and created_at_utc and computes content_hash (SHA-256 of the RFC 8785 canonical JSON of suggestion_data); a content_hash sent by the client must match (422).",
  request: { body: json(CreateAdvisoryRequestSchema) },
  responses: {
    201: {
      ...jsonContent(AdvisoryAssetSchema, "created"),
      headers: { Location: { schema: { type: "string" }, description: "the asset's URL" } },
    },
    ...problemResponses(400, 409, 422),
  },
});

export const getAdvisoryRoute = createRoute({
  method: "get",
  path: "/advisories/{asset_id}",
  operationId: "getAdvisory",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Get an advisory asset with its review state",
  description:
    "Answers the asset as stored (write-once) with its current review state, derived from its append-only review events.",
  request: { params: AssetIdParams },
  responses: { 200: jsonContent(AdvisoryAssetSchema, "the asset"), ...problemResponses(400, 404) },
});

export const reviewAdvisoryRoute = createRoute({
  method: "post",
  path: "/advisories/{asset_id}/review",
  operationId: "reviewAdvisory",
  ...operationRoles(ROLES_FOR.review),
  tags: [TAG],
  summary: "Record the review decision of an asset (append-only; a decision is final)",
  description:
    "Appends an approve or reject event. An asset takes one decision: a second one is a 409 whose body carries the recorded review. Reviewer ids starting with `system:` are reserved for the approval policy.",
  request: { params: AssetIdParams, body: json(ReviewRequestSchema) },
  responses: {
    201: jsonContent(AdvisoryAssetSchema, "the decision was recorded; the asset with its new review state"),
    ...problemResponses(400, 404, 409),
  },
});

export const attachAdvisoryRoute = createRoute({
  method: "post",
  path: "/runs/{run_id}/attach-advisory",
  operationId: "attachAdvisory",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Link an advisory asset to a run (a separate write-once file; the run is never touched)",
  description:
    "Writes `<run_id>_advisory_<advisory_id>.json` beside the run. The same link again (same advisory_id, kind and engine_id) answers 200 with the stored link, unchanged; the same asset with another kind or engine is a 409.",
  request: { params: RunIdParams, body: json(AttachAdvisoryRequestSchema) },
  responses: {
    201: jsonContent(AdvisoryLinkSchema, "the link was written"),
    200: jsonContent(AdvisoryLinkSchema, "the same link existed: the stored one, unchanged"),
    ...problemResponses(400, 404, 409),
  },
});

export const listRunAdvisoriesRoute = createRoute({
  method: "get",
  path: "/runs/{run_id}/advisories",
  operationId: "listRunAdvisories",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "The run's advisory links, each with its asset's current review state",
  description:
    "Every advisory linked to the run (links are separate write-once files beside the run), in the order they were made, each with its asset's review state as it is now.",
  request: { params: RunIdParams },
  responses: { 200: jsonContent(RunAdvisoriesSchema, "the links, oldest asset first"), ...problemResponses(400, 404) },
});

export const suggestAndAttachRoute = createRoute({
  method: "post",
  path: "/runs/{run_id}/suggest-and-attach",
  operationId: "suggestAndAttach",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Generate an EXPLANATION of the run, apply the approval policy, attach it",
  description:
    "The explanation provider (default: deterministic and offline) is called first, with a timeout and bounded retries; when it fails (502) or times out (504) nothing is stored. The approval policy then decides the review state (default: GREEN runs auto-approved by `system:auto_explanation_green`, everything else pending a human).",
  request: { params: RunIdParams },
  responses: {
    201: jsonContent(SuggestAndAttachResultSchema, "the explanation was stored and attached"),
    ...problemResponses(400, 404, 502, 504),
  },
});
