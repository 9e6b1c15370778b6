/**
 * The data types of the RMOS Runs API, named: each is an alias of a schema in the
 * generated `schema.d.ts` (openapi-typescript, from the service's openapi.json), so
 * a change of the API changes them and the compiler points at every use.
 */
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];

export type RunArtifact = Schemas["RunArtifact"];
export type CreateRunRequest = Schemas["CreateRunRequest"];
export type RunSummary = Schemas["RunSummary"];
export type RunPage = Schemas["RunPage"];
export type RunVerifyReport = Schemas["RunVerifyReport"];
export type RunDiff = Schemas["RunDiff"];
export type AttachmentUpload = Schemas["AttachmentUpload"];
export type RunAttachmentList = Schemas["RunAttachmentList"];
export type AttachmentVerifyReport = Schemas["AttachmentVerifyReport"];
export type AdvisoryAsset = Schemas["AdvisoryAsset"];
export type CreateAdvisoryRequest = Schemas["CreateAdvisoryRequest"];
export type ReviewRequest = Schemas["ReviewRequest"];
export type AdvisoryReviewEvent = Schemas["AdvisoryReviewEvent"];
export type AttachAdvisoryRequest = Schemas["AttachAdvisoryRequest"];
export type AdvisoryLink = Schemas["AdvisoryLink"];
export type RunAdvisories = Schemas["RunAdvisories"];
export type SuggestAndAttachResult = Schemas["SuggestAndAttachResult"];
export type WorkflowSession = Schemas["WorkflowSession"];
export type CreateWorkflowSessionRequest = Schemas["CreateWorkflowSessionRequest"];
export type WorkflowSessionEventRequest = Schemas["WorkflowSessionEventRequest"];
export type WorkflowSessionEventList = Schemas["WorkflowSessionEventList"];
export type FieldError = Schemas["FieldError"];
export type Health = Schemas["Health"];
export type Readiness = Schemas["Readiness"];

/** The filters of `GET /runs` (without the cursor, which the iterator follows itself). */
export type RunFilters = Omit<NonNullable<paths["/api/rmos/runs"]["get"]["parameters"]["query"]>, "cursor">;

/** The filters of `GET /workflow-sessions` (without the cursor). */
export type SessionFilters = Omit<
  NonNullable<paths["/api/rmos/workflow-sessions"]["get"]["parameters"]["query"]>,
  "cursor"
>;
