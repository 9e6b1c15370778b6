/**
 * The advisory data model as zod schemas: the requests the API accepts, the asset, the
 * review events and state, and the link, as they are stored and answered. The OpenAPI
 * document is generated from them; the file store also parses what it reads back with
 * them, so a damaged record is refused rather than answered.
 */
import { z } from "@hono/zod-openapi";
import { AdvisoryIdSchema, RunIdSchema, Sha256Schema, UtcTimestampSchema } from "../../contracts/artifact.js";
import { ADVISORY_ASSET_TYPES } from "../../contracts/ports/advisory_store.js";
import { SYSTEM_REVIEWER_PREFIX } from "../../contracts/ports/advisory_approval_policy.js";

const Label = (max: number) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]+$/, "must not contain control characters");

const JsonObject = z.record(z.string(), z.unknown());

/**
 * The content of an asset: a JSON object, hashed as sent. zod's record drops an own
 * `__proto__` member, which would store (and hash) something other than what was sent,
 * so such a member is refused before the object is parsed.
 */
const SuggestionDataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
      ctx.addIssue({ code: "custom", message: 'a member named "__proto__" is not accepted' });
    }
  })
  .pipe(JsonObject);

export const AdvisoryAssetTypeSchema = z.enum(ADVISORY_ASSET_TYPES).openapi("AdvisoryAssetType");

export const ReviewDecisionSchema = z.enum(["approve", "reject"]).openapi("ReviewDecision");

/** A reviewer named in a request: any label, except the `system:` ids the service reserves for its policies. */
export const HumanReviewerIdSchema = Label(200).refine(
  (v) => !v.startsWith(SYSTEM_REVIEWER_PREFIX),
  `reviewer ids starting with "${SYSTEM_REVIEWER_PREFIX}" are reserved for the service's approval policy`,
);

/** `POST /advisories` */
export const CreateAdvisoryRequestSchema = z
  .object({
    asset_type: AdvisoryAssetTypeSchema,
    source: Label(200).openapi({ description: "Where the content comes from, e.g. `ai`, `operator`, a system name." }),
    provider: Label(200).openapi({ description: "What produced it, e.g. a model or engine id." }),
    suggestion_data: SuggestionDataSchema.openapi({
      type: "object",
      additionalProperties: {},
      description: "The content (any JSON object); hashed into content_hash.",
    }),
    content_hash: Sha256Schema.optional().openapi({
      description: "Optional: the server computes it; when sent, a mismatch is a 422.",
    }),
  })
  .strict()
  .openapi("CreateAdvisoryRequest");
export type CreateAdvisoryRequest = z.infer<typeof CreateAdvisoryRequestSchema>;

/** `POST /advisories/{asset_id}/review` */
export const ReviewRequestSchema = z
  .object({
    decision: ReviewDecisionSchema,
    reviewer_id: HumanReviewerIdSchema.optional().openapi({
      description:
        "Optional: the reviewer is the principal of the credential; when given it must equal it (else 403). With RMOS_AUTH=off it is required and recorded as given.",
    }),
    note: z.string().max(4000).optional(),
  })
  .strict()
  .openapi("ReviewRequest");
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

/** `POST /runs/{run_id}/attach-advisory` */
export const AttachAdvisoryRequestSchema = z
  .object({
    advisory_id: AdvisoryIdSchema,
    kind: Label(100).openapi({ description: "Free text, e.g. `explanation`." }),
    engine_id: Label(200).optional(),
  })
  .strict()
  .openapi("AttachAdvisoryRequest");
export type AttachAdvisoryRequest = z.infer<typeof AttachAdvisoryRequestSchema>;

export const ReviewEventSchema = z
  .object({
    asset_id: AdvisoryIdSchema,
    decision: ReviewDecisionSchema,
    reviewer_id: Label(200),
    note: z.string().max(4000).nullable(),
    recorded_at_utc: UtcTimestampSchema,
  })
  .strict()
  .openapi("AdvisoryReviewEvent");

export const ReviewStateSchema = z
  .object({
    state: z.enum(["PENDING", "APPROVED", "REJECTED"]),
    reviewer_id: z.string().nullable(),
    note: z.string().nullable(),
    decided_at_utc: UtcTimestampSchema.nullable(),
    events: z.array(ReviewEventSchema),
  })
  .openapi("AdvisoryReview", { description: "Derived from the asset's append-only review events." });

/** An asset as stored (write-once). */
export const StoredAssetSchema = z
  .object({
    asset_id: AdvisoryIdSchema,
    asset_type: AdvisoryAssetTypeSchema,
    source: Label(200),
    provider: Label(200),
    content_hash: Sha256Schema,
    suggestion_data: JsonObject,
    approved_for_workflow: z.literal(false),
    created_at_utc: UtcTimestampSchema,
    created_by: Label(200),
  })
  .strict();

/** An asset as answered: the stored record with its derived review state. */
export const AdvisoryAssetSchema = StoredAssetSchema.extend({
  approved_for_workflow: z.boolean().openapi({ description: "True only once the asset is APPROVED (derived)." }),
  review: ReviewStateSchema,
}).openapi("AdvisoryAsset");

export const AdvisoryLinkSchema = z
  .object({
    run_id: RunIdSchema,
    advisory_id: AdvisoryIdSchema,
    kind: Label(100),
    engine_id: Label(200).optional(),
    asset_type: AdvisoryAssetTypeSchema,
    content_hash: Sha256Schema,
    created_at_utc: UtcTimestampSchema,
    created_by: Label(200),
  })
  .strict()
  .openapi("AdvisoryLink");

export const RunAdvisoriesSchema = z
  .object({
    run_id: RunIdSchema,
    items: z.array(z.object({ link: AdvisoryLinkSchema, review: ReviewStateSchema }).openapi("RunAdvisoryItem")),
  })
  .openapi("RunAdvisories");

export const SuggestAndAttachResultSchema = z
  .object({ link: AdvisoryLinkSchema, asset: AdvisoryAssetSchema })
  .openapi("SuggestAndAttachResult");
