/**
 * SPEC invariant 9 — bad input is answered, not crashed on: malformed JSON, a wrong
 * type, an unknown field, a non-JSON media type, an oversized body (413), and bad query
 * parameters each get a 4xx problem+json with type, title, status and detail. Read-only
 * mode sends only the bad queries (GETs); writing mode also the bad bodies (each is
 * refused, so nothing is created by a compliant service).
 */
import type { Check } from "../check.js";
import { makeCreateBody } from "../../../../src/contracts/testing/create_body.js";
import { API, expectProblem, get, post } from "../http_steps.js";

/** The check of invariant 9. */
export const badInput: Check = {
  id: "invariant-9",
  invariant: 9,
  title: "Bad input is answered, not crashed on",
  statement:
    "malformed JSON, wrong types, unknown fields, oversized bodies (413), bad queries → 4xx problem+json, never 500",
  writes: "when-allowed",
  async run(ctx) {
    if (!ctx.readOnly) {
      await expectProblem(ctx, await post(ctx, "/runs", "{not json"), 400, "POST /runs, malformed JSON");
      await expectProblem(ctx, await post(ctx, "/runs", "[]"), 400, "POST /runs, an array");
      await expectProblem(ctx, await post(ctx, "/runs", makeCreateBody({ status: 7 })), 400, "POST /runs, wrong type");
      await expectProblem(
        ctx,
        await post(ctx, "/runs", makeCreateBody({ surprise: true })),
        400,
        "POST /runs, unknown field",
      );
      const plain = await ctx.target.fetch(`${API}/runs`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "x",
      });
      await expectProblem(ctx, plain, 415, "POST /runs, text/plain");
      const huge = makeCreateBody({ meta: { blob: "x".repeat(9 * 1024 * 1024) } });
      await expectProblem(ctx, await post(ctx, "/runs", huge), 413, "POST /runs, a 9 MiB body");
    }
    await expectProblem(ctx, await get(ctx, "/runs?limit=0"), 400, "GET /runs?limit=0");
    await expectProblem(ctx, await get(ctx, "/runs?cursor=%%%"), 400, "GET /runs?cursor=%%%");
    await expectProblem(ctx, await get(ctx, "/runs?risk=RED"), 400, "GET /runs?risk=RED (unknown parameter)");
  },
};
