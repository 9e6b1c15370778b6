/**
 * What the explanation provider is given, read from a stored run artifact.
 *
 * A stored artifact may be of any schema version (imported, not yet migrated), so every
 * field is read defensively: only `decision.risk_level` and `hashes.feasibility_sha256`
 * are guaranteed (governance invariant 1); anything else missing or of another type is
 * passed as null or empty rather than guessed.
 */
import type { ExplanationInput } from "../../contracts/ports/advisory_explanation_provider.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** The provider input of a stored run. */
export function explanationInputOf(artifact: StoredArtifact): ExplanationInput {
  const decision = record(artifact.decision);
  const hashes = record(artifact.hashes);
  const warnings = Array.isArray(decision.warnings) ? decision.warnings.filter((w) => typeof w === "string") : [];
  return {
    run_id: artifact.run_id,
    mode: text(artifact.mode),
    tool_id: text(artifact.tool_id),
    status: text(artifact.status),
    risk_level: String(decision.risk_level),
    score: typeof decision.score === "number" && Number.isFinite(decision.score) ? decision.score : null,
    block_reason: text(decision.block_reason),
    warnings,
    feasibility: record(artifact.feasibility),
    feasibility_sha256: String(hashes.feasibility_sha256),
  };
}
