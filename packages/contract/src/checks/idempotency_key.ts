/**
 * The Idempotency-Key rule of `POST /runs`: the same key with the same body answers the
 * run the first request made (200); the same key with another body is refused (422).
 * Creates one run.
 */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { makeCreateBody } from "../../../../src/contracts/testing/create_body.js";
import { expectProblem, post } from "../http_steps.js";

/** The Idempotency-Key check. */
export const idempotencyKey: Check = {
  id: "idempotency-key",
  title: "Idempotency-Key",
  statement: "same key and body → the same run (201 then 200); same key, other body → 422",
  writes: "always",
  async run(ctx) {
    const key = `contract-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const body = makeCreateBody({ meta: { key } });
    const first = await post(ctx, "/runs", body, { "idempotency-key": key });
    assert.equal(first.status, 201, `first POST with the key: ${first.status}`);
    const again = await post(ctx, "/runs", body, { "idempotency-key": key });
    assert.equal(again.status, 200, `the same POST again: ${again.status}`);
    const runIdOf = async (r: Response) => ((await r.json()) as { run_id: string }).run_id;
    const firstId = await runIdOf(first);
    assert.equal(await runIdOf(again), firstId, "the repeat answers the first run");
    ctx.note(`key ${key}: 201 ${firstId}, then 200 ${firstId}`);
    const other = await post(ctx, "/runs", makeCreateBody({ meta: { other: 1 } }), { "idempotency-key": key });
    await expectProblem(ctx, other, 422, "the same key with another body");
  },
};
