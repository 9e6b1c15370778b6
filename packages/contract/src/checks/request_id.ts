/** Every answer carries `X-Request-Id` (SPEC "HTTP API"), errors and unknown paths included. Reads only. */
import assert from "node:assert/strict";
import type { Check } from "../check.js";
import { API } from "../http_steps.js";

/** The X-Request-Id check. */
export const requestId: Check = {
  id: "request-id",
  title: "X-Request-Id on every answer",
  statement: "every response carries X-Request-Id",
  writes: "never",
  async run(ctx) {
    for (const path of [`${API}/runs?limit=1`, `${API}/runs/run_0123456789ab`, `${API}/nope`, "/healthz"]) {
      const res = await ctx.target.fetch(path);
      await res.body?.cancel();
      const id = res.headers.get("x-request-id");
      assert.ok(id, `GET ${path} → ${res.status} without X-Request-Id`);
      ctx.note(`GET ${path} → ${res.status}, X-Request-Id ${id}`);
    }
  },
};
