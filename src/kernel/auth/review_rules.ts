/**
 * The two identity rules of a review (SPEC "Authentication and roles"), as pure
 * functions for the advisory plugin to call. The reviewer is the principal: a
 * `reviewer_id` in the body may be left out and, when given, must equal the
 * principal's id (else 403). Four eyes: a principal may not review an advisory asset
 * it created, nor one linked to a run it created (403). With RMOS_AUTH=off there is no
 * identity to hold anyone to — every caller is `anonymous` — so the body's
 * `reviewer_id` is recorded as given and required (as before authentication existed:
 * 400 without it) and four eyes cannot be enforced; both rules apply to every
 * authenticated principal.
 */
import { ProblemError } from "../../contracts/problem.js";
import type { Principal } from "./principal.js";

/** The reviewer to record for a review by `principal` whose body named `reviewerId`. */
export function reviewerFor(principal: Principal, reviewerId: string | undefined): string {
  if (principal.via === "anonymous") {
    if (reviewerId === undefined) {
      throw new ProblemError(
        400,
        "the request does not validate: /reviewer_id: is required while authentication is off (RMOS_AUTH=off): there is no credential to take the reviewer from",
        {
          slug: "validation",
          title: "Validation failed",
          errors: [
            {
              location: "body",
              pointer: "/reviewer_id",
              message: "is required while RMOS_AUTH=off",
              code: "invalid_type",
            },
          ],
        },
      );
    }
    return reviewerId;
  }
  if (reviewerId !== undefined && reviewerId !== principal.id) {
    throw new ProblemError(403, "reviewer_id must be left out or equal the principal of the credential", {
      slug: "reviewer-mismatch",
    });
  }
  return principal.id;
}

/** What the four-eyes rule looks at: who created the asset and the runs it is linked to. */
export interface ReviewSubject {
  readonly assetCreatedBy: string;
  readonly linkedRunsCreatedBy: readonly string[];
}

/** Throws 403 when `principal` created the asset or a run it is linked to. */
export function assertFourEyes(principal: Principal, subject: ReviewSubject): void {
  if (principal.via === "anonymous") return;
  const own =
    subject.assetCreatedBy === principal.id
      ? "it created this advisory asset"
      : subject.linkedRunsCreatedBy.includes(principal.id)
        ? "it created a run this advisory asset is linked to"
        : undefined;
  if (own) {
    throw new ProblemError(403, `four eyes: this principal may not review the asset, as ${own}`, {
      slug: "four-eyes",
    });
  }
}
