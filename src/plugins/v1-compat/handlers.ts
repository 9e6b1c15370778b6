/**
 * The v1-compat handlers: thin — take the validated id, ask the service, shape the
 * response (legacy bytes with ETag, 304, deprecation headers; the 410 is thrown by the
 * service as problem+json).
 */
import { ifNoneMatches } from "../../contracts/etag.js";
import { API_BASE } from "../../kernel/plugin_api/routes.js";
import type { RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import { getRunV1Route, patchRunMetaGoneRoute } from "./routes.js";
import type { LegacyRunsService } from "./service.js";

/** Registers the v1-compat routes with their handlers. */
export function registerV1Routes(r: RouteRegistrar, service: LegacyRunsService): void {
  r.openapi(getRunV1Route, async (c) => {
    const runId = c.req.valid("param").run_id;
    const answer = await service.legacy(runId);
    const etag = `"${answer.sha256}"`;
    const headers: Record<string, string> = {
      etag,
      deprecation: "true",
      link: `<${API_BASE}/runs/${runId}>; rel="successor-version"`,
      "x-rmos-v1-source": answer.source,
      "x-rmos-hash-method": answer.hashMethod,
    };
    if (ifNoneMatches(c.req.valid("header")["if-none-match"], etag)) return c.body(null, 304, headers) as never;
    return c.body(new Uint8Array(answer.bytes), 200, { ...headers, "content-type": "application/json" }) as never;
  });

  r.openapi(patchRunMetaGoneRoute, async (c) => service.patchMeta(c.req.valid("param").run_id));
}
