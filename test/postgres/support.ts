/**
 * Support of the PostgreSQL store tests: valid advisory assets, review events and
 * session records, built the way the services build them.
 */
import { newId } from "../../src/contracts/ids.js";
import {
  type AdvisoryAssetRecord,
  type ReviewDecision,
  type ReviewEvent,
  advisoryContentHash,
} from "../../src/contracts/ports/advisory_store.js";
import type { NewSession } from "../../src/contracts/ports/session_store.js";

/** A valid advisory asset (fresh id). */
export function makeAsset(data: Record<string, unknown> = { text: "reduce feed to 800 mm/min" }): AdvisoryAssetRecord {
  return {
    asset_id: newId("adv").id,
    asset_type: "EXPLANATION",
    source: "ai",
    provider: "rules",
    content_hash: advisoryContentHash(data),
    suggestion_data: data,
    approved_for_workflow: false,
    created_at_utc: "2026-03-04T05:06:07.123Z",
    created_by: "test",
  };
}

/** A decision on `assetId`. */
export function makeDecision(assetId: string, decision: ReviewDecision, reviewer = "reviewer-1"): ReviewEvent {
  return { asset_id: assetId, decision, reviewer_id: reviewer, note: null, recorded_at_utc: "2026-03-04T06:00:00Z" };
}

/** A new workflow session (fresh id). */
export function makeSession(runIds: string[] = [], workflow = "rosette"): NewSession {
  return {
    session_id: newId("wfs").id,
    workflow,
    context: { design_id: "design_0001" },
    run_ids: runIds,
    created_at_utc: "2026-03-04T05:06:07Z",
  };
}
