/**
 * The per-request middleware: request id, one structured log line, metrics.
 *
 * `X-Request-Id` is taken from the request when it is sane (1–128 characters of
 * `[A-Za-z0-9._:-]`), else generated; it is set on every response and every log line
 * of the request. Duration is observed under the matched route pattern (not the raw
 * path, so that ids do not explode the label set). The request line names the principal
 * authentication set (its id only — never a credential); 401 and 403 answers are
 * counted per route as well.
 *
 * It runs on every request, so it does no work a request does not need: served by
 * Node, the request id is read from the raw headers and set on Node's response
 * (merged into the head when it is written) rather than through Web `Headers` objects
 * (node_bindings.ts), and the label set of each (method, route, status) is built once.
 * The request id and the recording are functions of their own, shared with the
 * kernel's answer of cached reads, which answers without this middleware.
 */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { nodeBindingsOf, requestHeader } from "./http/node_bindings.js";
import type { Logger } from "./logger.js";
import type { HttpMetrics } from "./metrics.js";
import type { KernelEnv } from "./plugin_api/routes.js";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route pattern that answered (the first matched, as Hono runs them in order), or "unmatched". */
function routeLabel(c: Context<KernelEnv>): string {
  return matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "unmatched";
}

type Labels = Readonly<{ method: string; route: string; status: string }>;

/** One label object per (method, route, status): the set is bounded by the routes, not by requests. */
class LabelSets {
  readonly #sets = new Map<string, Labels>();

  of(method: string, route: string, status: number): Labels {
    const key = `${method} ${status} ${route}`;
    let labels = this.#sets.get(key);
    if (labels === undefined) {
      labels = { method, route, status: String(status) };
      this.#sets.set(key, labels);
    }
    return labels;
  }
}

/** The request id of a request that sent `given` as X-Request-Id: that one when it is sane, else a new one. */
export function requestIdOf(given: string | undefined): string {
  return given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * What every request leaves behind once answered — its duration under its route
 * pattern, the error and refusal counters, the access log line — recorded the same way
 * by the middleware below and by the kernel's answer of cached reads (http/cached_reads.ts).
 */
export class RequestRecorder {
  readonly #labelSets = new LabelSets();

  constructor(
    readonly logger: Logger,
    private readonly metrics: HttpMetrics,
  ) {}

  /** The logger of request `requestId` (every line of the request carries its id). */
  loggerFor(requestId: string): Logger {
    return this.logger.child({ req_id: requestId });
  }

  /**
   * Records an answered request; `log` is the request's logger (or makes it: the
   * caller that has none yet pays for one only when the line is written).
   */
  record(
    request: { readonly method: string; readonly path: string; readonly route: string; readonly principal?: string },
    status: number,
    seconds: number,
    log: Logger | (() => Logger),
  ): void {
    const labels = this.#labelSets.of(request.method, request.route, status);
    this.metrics.duration.observe(labels, seconds);
    if (status >= 400) this.metrics.errors.inc(labels);
    if (status === 401 || status === 403) this.metrics.authRefusals.inc(labels);
    if (this.logger.isLevelEnabled("info")) {
      const { method, path, principal } = request;
      (typeof log === "function" ? log() : log).info(
        { method, path, route: labels.route, status, ms: seconds * 1000, principal },
        "request",
      );
    }
  }
}

/** Middleware that sets the request id, logs the request and records its metrics. */
export function requestContext(recorder: RequestRecorder): MiddlewareHandler<KernelEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(requestHeader(c, "x-request-id"));
    const log = recorder.loggerFor(requestId);
    c.set("requestId", requestId);
    c.set("logger", log);
    try {
      await next();
    } finally {
      const outgoing = nodeBindingsOf(c)?.outgoing;
      if (outgoing === undefined) c.res.headers.set("X-Request-Id", requestId);
      // Node merges it into the head the adapter writes (a handler that wrote its own head set it there).
      else if (!outgoing.headersSent) outgoing.setHeader("x-request-id", requestId);
      const seconds = (performance.now() - started) / 1000;
      const request = {
        method: c.req.method,
        path: c.req.path,
        route: routeLabel(c),
        principal: c.get("principal")?.id,
      };
      recorder.record(request, c.res.status, seconds, log);
    }
  };
}
