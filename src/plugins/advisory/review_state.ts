/**
 * The review state of an advisory asset, derived from its append-only review events.
 *
 * Nothing about the review is stored in the asset: its state is PENDING while it has no
 * decision event, and APPROVED or REJECTED after the first one (the earliest recorded;
 * the store refuses a second, so there is at most one). `approved_for_workflow` in an
 * answer is derived the same way: true only for an APPROVED asset.
 */
import type { ReviewEvent } from "../../contracts/ports/advisory_store.js";

export type ReviewStateName = "PENDING" | "APPROVED" | "REJECTED";

/** The review part of an asset as the API answers it. */
export interface ReviewState {
  readonly state: ReviewStateName;
  readonly reviewer_id: string | null;
  readonly note: string | null;
  readonly decided_at_utc: string | null;
  readonly events: ReviewEvent[];
}

/** Derives the review state from the events (any order); the earliest decision decides. */
export function deriveReviewState(events: readonly ReviewEvent[]): ReviewState {
  const ordered = [...events].sort((a, b) => Date.parse(a.recorded_at_utc) - Date.parse(b.recorded_at_utc));
  const decision = ordered[0];
  if (!decision) return { state: "PENDING", reviewer_id: null, note: null, decided_at_utc: null, events: [] };
  return {
    state: decision.decision === "approve" ? "APPROVED" : "REJECTED",
    reviewer_id: decision.reviewer_id,
    note: decision.note,
    decided_at_utc: decision.recorded_at_utc,
    events: ordered,
  };
}
