/**
 * The per-request middleware: request id, one structured log line, metrics.
 *
 * `X-Request-Id` is taken from the request when it is sane (1–128 characters of
 * `[A-Za-z0-9._:-]`), else generated; it is set on every response and every log line
 * of the request. Duration is observed under the matched route pattern (not the raw
 * path, so that ids do not explode the label set). The request line names the principal
 * authentication set (its id only — never a credential); 401 and 403 answers are
 * counted per route as well.
 */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "./logger.js";
import type { HttpMetrics } from "./metrics.js";
import type { KernelEnv } from "./plugin_api/routes.js";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route pattern that answered (the first matched, as Hono runs them in order), or "unmatched". */
function routeLabel(c: Parameters<MiddlewareHandler<KernelEnv>>[0]): string {
  return matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "unmatched";
}

/** Middleware that sets the request id, logs the request and records its metrics. */
export function requestContext(logger: Logger, metrics: HttpMetrics): MiddlewareHandler<KernelEnv> {
  return async (c, next) => {
    const started = process.hrtime.bigint();
    const given = c.req.header("x-request-id");
    const requestId = given && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    const log = logger.child({ req_id: requestId });
    c.set("requestId", requestId);
    c.set("logger", log);
    try {
      await next();
    } finally {
      c.res.headers.set("X-Request-Id", requestId);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = c.res.status;
      const labels = { method: c.req.method, route: routeLabel(c), status: String(status) };
      metrics.duration.observe(labels, seconds);
      if (status >= 400) metrics.errors.inc(labels);
      if (status === 401 || status === 403) metrics.authRefusals.inc(labels);
      const principal = c.get("principal")?.id;
      log.info(
        { method: c.req.method, path: c.req.path, route: labels.route, status, ms: seconds * 1000, principal },
        "request",
      );
    }
  };
}
