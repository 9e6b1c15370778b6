/**
 * SPEC invariant 8 — safe identifiers. Ids that try to leave the data root (encoded
 * dots and slashes, NUL, over-long ids, unicode look-alikes, double encoding) are
 * answered 400 or 404 with problem+json, never 500, on the run and its verify route.
 * Reads only.
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { API } from "../http_steps.js";

const HOSTILE_IDS = [
  "..%2f..%2fetc%2fpasswd",
  "%2e%2e",
  "%2e%2e%2f%2e%2e%2fdata",
  "run_..%2F..%2Frmos.db",
  "run_%00",
  "run_0123456789ab%00.json",
  `run_${"A".repeat(300)}`,
  "run_０１２３４５６７８９ａｂ",
  "run_0123456789aｂ",
  "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X%C4%B0",
  "%252e%252e",
  "run_0123456789ab.json",
];

/** The check of invariant 8. */
export const safeIdentifiers: Check = {
  id: "invariant-8",
  invariant: 8,
  title: "Safe identifiers",
  statement: "ids are validated before storage: traversal, NUL, over-long and look-alike ids → 400/404, never 500",
  writes: "never",
  async run(ctx) {
    const statuses = new Map<number, number>();
    for (const id of HOSTILE_IDS) {
      for (const suffix of ["", "/verify"]) {
        const res = await ctx.target.fetch(`${API}/runs/${id}${suffix}`);
        await res.body?.cancel();
        assert.ok([400, 404].includes(res.status), `GET /runs/${id}${suffix}: ${res.status}`);
        assert.match(
          res.headers.get("content-type") ?? "",
          /^application\/problem\+json/,
          `${id}${suffix}: problem+json`,
        );
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }
    const counts = [...statuses].map(([s, n]) => `${n}× ${s}`).join(", ");
    ctx.note(`${HOSTILE_IDS.length * 2} hostile ids (traversal, NUL, look-alikes) → ${counts}, all problem+json`);
  },
};
