/**
 * SPEC invariant 5 — date-partitioned layout. The files of the embedded store are not
 * visible over HTTP, so this check is reported as skipped with the reason; the
 * service's own tests prove the layout on disk (and `rmos verify` checks it on the
 * machine).
 */
import type { Check } from "../check.js";

/** The check of invariant 5 (not observable over HTTP). */
export const partitionedLayout: Check = {
  id: "invariant-5",
  invariant: 5,
  title: "Date-partitioned layout",
  statement: "<data>/runs/YYYY-MM-DD/<run_id>.json by the UTC date of created_at_utc; advisory links beside it",
  writes: "never",
  async run(ctx) {
    ctx.skip(
      "the storage layout is not visible over HTTP: run `rmos verify` on the machine; proved by the service's tests",
    );
  },
};
