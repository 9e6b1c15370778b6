/**
 * The runs plugin's handlers: thin — take the validated input, call the service,
 * shape the response (Location, ETag, 304, raw stored bytes).
 */
import { ifNoneMatches } from "../../contracts/etag.js";
import { API_BASE } from "../../kernel/plugin_api/routes.js";
import { ProblemError } from "../../contracts/problem.js";
import { principalOf } from "../../kernel/plugin_api/auth.js";
import type { CachedRead, RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import { runAnswerHeaders } from "./cached_get.js";
import { IdempotencyGate } from "./idempotency.js";
import {
  createRunRoute,
  getRunRoute,
  listRunsRoute,
  refusedRunRoutes,
  runReceiptRoute,
  verifyRunRoute,
} from "./routes.js";
import type { RunsService } from "./service.js";

/**
 * Registers the runs routes with their handlers; `cachedGet` (cached_get.ts) lets the
 * kernel answer a cached `GET /runs/{run_id}` before the framework.
 */
export function registerRunsRoutes(r: RouteRegistrar, service: RunsService, cachedGet?: CachedRead): void {
  r.openapi(createRunRoute, async (c) => {
    const key = c.req.valid("header")["idempotency-key"];
    if (key !== undefined) IdempotencyGate.checkKey(key);
    const { created, run } = await service.create(c.req.valid("json"), {
      idempotencyKey: key,
      principal: principalOf(c).id,
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      location: `${API_BASE}/runs/${run.artifact.run_id}`,
      etag: `"${run.sha256}"`,
    };
    if (!created) headers["idempotent-replayed"] = "true";
    // As for GET: the stored bytes without a copy, with a plain header object.
    return new Response(run.bytes as Uint8Array<ArrayBuffer>, { status: created ? 201 : 200, headers }) as never;
  });

  r.openapi(listRunsRoute, async (c) => c.json(await service.list(c.req.valid("query")), 200));

  r.openapi(
    getRunRoute,
    async (c) => {
      const run = await service.get(c.req.valid("param").run_id);
      const headers = runAnswerHeaders(run.sha256);
      const etag = headers.etag as string;
      if (ifNoneMatches(c.req.valid("header")["if-none-match"], etag)) {
        return c.body(null, 304, { etag }) as never;
      }
      // The stored bytes as they are (no copy), with a plain header object: the node
      // adapter writes such a Response without building Web Headers.
      return new Response(run.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers }) as never;
    },
    cachedGet ? { cachedRead: cachedGet } : undefined,
  );

  r.openapi(verifyRunRoute, async (c) => c.json(await service.verify(c.req.valid("param").run_id), 200));

  r.openapi(runReceiptRoute, async (c) => {
    const reply = await service.receipt(c.req.valid("param").run_id);
    if (reply.status === 202) {
      c.header("Retry-After", reply.retryAfter);
      return c.json(reply.body, 202);
    }
    return c.json(reply.body, 200);
  });

  for (const route of refusedRunRoutes) {
    r.openapi(route, () => {
      throw new ProblemError(
        405,
        "run artifacts are write-once: they are never modified or deleted; add context with advisories (POST /runs/{run_id}/attach-advisory)",
        {
          slug: "write-once",
          headers: { Allow: "GET" },
        },
      );
    });
  }
}
