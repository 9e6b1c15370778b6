/**
 * Unit tests of the derived review state: PENDING without events, the first decision
 * decides, and the result does not depend on the order the events are given in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { ReviewEvent } from "../../contracts/ports/advisory_store.js";
import { deriveReviewState } from "./review_state.js";

const ID = "adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0";

const event = (decision: "approve" | "reject", reviewer: string, at: string): ReviewEvent => ({
  asset_id: ID,
  decision,
  reviewer_id: reviewer,
  note: null,
  recorded_at_utc: at,
});

describe("deriveReviewState", () => {
  it("is PENDING, with nobody and no time, while there is no event", () => {
    assert.deepEqual(deriveReviewState([]), {
      state: "PENDING",
      reviewer_id: null,
      note: null,
      decided_at_utc: null,
      events: [],
    });
  });

  it("is APPROVED or REJECTED by the decision event, with its reviewer, note and time", () => {
    const approved = deriveReviewState([{ ...event("approve", "ana", "2026-01-02T03:04:05.000Z"), note: "ok" }]);
    assert.equal(approved.state, "APPROVED");
    assert.equal(approved.reviewer_id, "ana");
    assert.equal(approved.note, "ok");
    assert.equal(approved.decided_at_utc, "2026-01-02T03:04:05.000Z");
    assert.equal(deriveReviewState([event("reject", "bob", "2026-01-02T03:04:05.000Z")]).state, "REJECTED");
  });

  it("takes the earliest decision whatever order the events come in", () => {
    const times = fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(times, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (ms, approves) => {
        const events = ms.map((m, i) =>
          event(approves[i] ? "approve" : "reject", `r${i}`, new Date(1_700_000_000_000 + m).toISOString()),
        );
        const first = events[ms.indexOf(Math.min(...ms))] as ReviewEvent;
        const state = deriveReviewState([...events].reverse());
        assert.equal(state.reviewer_id, first.reviewer_id);
        assert.equal(state.state, first.decision === "approve" ? "APPROVED" : "REJECTED");
        assert.deepEqual(state, deriveReviewState(events));
      }),
      { numRuns: 100 },
    );
  });
});
