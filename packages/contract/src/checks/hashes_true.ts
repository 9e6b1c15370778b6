/**
 * SPEC invariant 2 — hashes are true. Writing: the service computes the hashes of what
 * it receives (feasibility as RFC 8785 JSON, G-code as UTF-8 bytes, toolpaths as JSON);
 * a client hash that does not match is refused (422), a matching one accepted. Always:
 * every hash of every existing run read is recomputed from the artifact's own content
 * — a stored value changed after the hash was taken shows up here. Runs imported with
 * another hash method (`provenance.hash_method`, e.g. v1's) are counted, not recomputed.
 */
import assert from "node:assert/strict";
import type { Check, CheckContext } from "../check.js";
import { makeCreateBody } from "../../../../src/contracts/testing/create_body.js";
import { canonicalSha256, sha256Hex } from "../hashing.js";
import { createRun, expectProblem, pointersOf, post } from "../http_steps.js";

const short = (h: string) => `${h.slice(0, 12)}…`;

/** Recomputes the hashes of `artifact`; returns how many were compared. */
export function recomputeHashes(runId: string, artifact: Record<string, any>): number {
  const hashes = (artifact.hashes ?? {}) as Record<string, string | undefined>;
  const outputs = (artifact.outputs ?? {}) as Record<string, unknown>;
  const pairs: Array<[string, string | undefined, () => string]> = [
    ["feasibility_sha256", hashes.feasibility_sha256, () => canonicalSha256(artifact.feasibility)],
  ];
  if (outputs.gcode_text !== undefined) {
    pairs.push(["gcode_sha256", hashes.gcode_sha256, () => sha256Hex(String(outputs.gcode_text))]);
  }
  if (outputs.toolpaths !== undefined) {
    pairs.push(["toolpaths_sha256", hashes.toolpaths_sha256, () => canonicalSha256(outputs.toolpaths)]);
  }
  if (outputs.opplan_json !== undefined) {
    pairs.push(["opplan_sha256", hashes.opplan_sha256, () => canonicalSha256(outputs.opplan_json)]);
  }
  for (const [name, stored, compute] of pairs) {
    const actual = compute();
    assert.equal(stored, actual, `${runId}: hashes.${name} is ${stored}, the content hashes to ${actual}`);
  }
  return pairs.length;
}

async function writeChecks(ctx: CheckContext): Promise<void> {
  const body = makeCreateBody();
  const { artifact } = await createRun(ctx);
  const outputs = body.outputs as { gcode_text: string; toolpaths: unknown };
  const expected = {
    feasibility_sha256: canonicalSha256(body.feasibility),
    gcode_sha256: sha256Hex(outputs.gcode_text),
    toolpaths_sha256: canonicalSha256(outputs.toolpaths),
  };
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(artifact.hashes?.[name], value, `${artifact.run_id}: hashes.${name} computed by the service`);
  }
  ctx.note(`${artifact.run_id}: feasibility_sha256 ${short(expected.feasibility_sha256)} computed by the service`);
  const wrong = await post(ctx, "/runs", makeCreateBody({ hashes: { feasibility_sha256: "0".repeat(64) } }));
  const problem = await expectProblem(ctx, wrong, 422, "POST /runs with a mismatching feasibility_sha256");
  assert.ok(pointersOf(problem).includes("/hashes/feasibility_sha256"), "the 422 names /hashes/feasibility_sha256");
  const right = await post(
    ctx,
    "/runs",
    makeCreateBody({ hashes: { feasibility_sha256: expected.feasibility_sha256 } }),
  );
  assert.equal(right.status, 201, `a matching client hash is accepted: status ${right.status}`);
  await right.body?.cancel();
  ctx.note("POST /runs with the matching feasibility_sha256 → 201");
}

/** The check of invariant 2. */
export const hashesTrue: Check = {
  id: "invariant-2",
  invariant: 2,
  title: "Hashes are true",
  statement:
    "the service computes the hashes (SHA-256 over RFC 8785 JSON, G-code as UTF-8); a mismatching client hash → 422; stored hashes match the stored content",
  writes: "when-allowed",
  async run(ctx) {
    if (!ctx.readOnly) await writeChecks(ctx);
    const runs = await ctx.sample();
    let compared = 0;
    let recomputedRuns = 0;
    const otherMethods = new Map<string, number>();
    for (const r of runs) {
      const method = r.artifact.provenance?.hash_method;
      if (method !== undefined && method !== "jcs-sha256") {
        otherMethods.set(String(method), (otherMethods.get(String(method)) ?? 0) + 1);
        continue;
      }
      compared += recomputeHashes(r.runId, r.artifact);
      recomputedRuns++;
    }
    if (recomputedRuns > 0) {
      const first = runs.find((r) => r.artifact.provenance?.hash_method === undefined) ?? runs[0];
      ctx.note(
        `${compared} hash(es) of ${recomputedRuns} existing run(s) recomputed from their content, all equal` +
          (first
            ? ` (e.g. ${first.runId} feasibility_sha256 ${short(String(first.artifact.hashes?.feasibility_sha256))})`
            : ""),
      );
    }
    for (const [method, n] of otherMethods)
      ctx.note(`${n} imported run(s) hashed by ${method}: kept verbatim, not recomputed`);
    if (ctx.readOnly && recomputedRuns === 0) ctx.skip("read-only and no run hashed by jcs-sha256 to recompute");
  },
};
