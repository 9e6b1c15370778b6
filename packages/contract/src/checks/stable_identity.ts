/**
 * SPEC invariant 6 — stable identity. Every run id has one of the two forms (`run_` +
 * ULID for runs created here, `run_` + 12 hex for runs imported from v1); a ULID's time
 * is the run's `created_at_utc` to the millisecond; the artifact read at an id carries
 * that id; and the list and the artifact agree on the id and the feasibility hash.
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { createRun } from "../http_steps.js";

const ULID_ID = /^run_[0-9A-HJKMNP-TV-Z]{26}$/;
const LEGACY_ID = /^run_[0-9a-f]{12}$/;
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The time (ms since the epoch) encoded in a `run_` + ULID id. */
export function ulidTime(runId: string): number {
  return [...runId.slice(4, 14)].reduce((t, ch) => t * 32 + ALPHABET.indexOf(ch), 0);
}

function checkId(runId: string, createdAt: unknown): void {
  assert.ok(ULID_ID.test(runId) || LEGACY_ID.test(runId), `${runId}: neither run_ + ULID nor run_ + 12 hex`);
  if (ULID_ID.test(runId)) {
    assert.equal(new Date(ulidTime(runId)).toISOString(), createdAt, `${runId}: the ULID time is created_at_utc`);
  }
}

/** The check of invariant 6. */
export const stableIdentity: Check = {
  id: "invariant-6",
  invariant: 6,
  title: "Stable identity",
  statement:
    "server-assigned run_ + ULID whose time is created_at_utc (legacy run_ + 12 hex kept); the id never changes",
  writes: "when-allowed",
  async run(ctx) {
    if (!ctx.readOnly) {
      const { artifact } = await createRun(ctx);
      assert.match(artifact.run_id, ULID_ID, "a new run's id is run_ + ULID");
      checkId(artifact.run_id, artifact.created_at_utc);
      ctx.note(`${artifact.run_id}: ULID time = created_at_utc ${artifact.created_at_utc}`);
    }
    const runs = await ctx.sample();
    let legacy = 0;
    for (const r of runs) {
      assert.equal(r.artifact.run_id, r.runId, `the artifact read at ${r.runId} names ${r.artifact.run_id}`);
      checkId(r.runId, r.artifact.created_at_utc);
      if (LEGACY_ID.test(r.runId)) legacy++;
      const listed = r.summary.feasibility_sha256;
      assert.equal(
        listed,
        r.artifact.hashes?.feasibility_sha256,
        `${r.runId}: the list and the artifact agree on the hash`,
      );
    }
    if (runs.length > 0) {
      ctx.note(`${runs.length} existing run id(s) well-formed (${legacy} legacy), list and artifact agree`);
    } else if (ctx.readOnly) {
      ctx.skip("read-only and the installation holds no runs: no ids to inspect");
    }
  },
};
