/**
 * The guards the route registrar puts in front of every plugin route, in this order:
 * request-target limits (URL length, query parameters), the per-client rate limit
 * (keyed by the principal authentication set), the route's role check — all three
 * before the body is read — then, for JSON-body routes, the body-size limit and
 * the JSON shape limits, then, for costly routes, the concurrency cap. Also the error
 * statuses these guards add to each route's OpenAPI responses.
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { HttpLimits } from "../config.js";
import { ConcurrencyGate, concurrencyCap } from "./concurrency_gate.js";
import { isCostly } from "./costly_routes.js";
import { jsonShapeLimit } from "./json_shape.js";
import { type RateLimit, rateLimit } from "./rate_limit.js";
import { requestTargetLimit, type TargetLimits } from "./request_target.js";

export interface RouteGuards {
  /**
   * The middleware to run before a route's own; `bodyLimit` is given for JSON-body
   * routes, `authorize` (the role check) for routes that are not public.
   */
  chain(
    route: RouteConfig,
    bodyLimit: MiddlewareHandler | undefined,
    authorize?: readonly MiddlewareHandler[],
  ): MiddlewareHandler[];
  /** The problem statuses the guards can answer on `route`. */
  statuses(route: RouteConfig): number[];
  /** The request-target limits (the checks the first guard makes). */
  readonly target: TargetLimits;
  /** The rate limit the second guard applies, when it is on. */
  readonly rate: RateLimit | undefined;
}

/** Builds the guards of one kernel (one rate-limit table and one costly gate per kernel). */
export function createRouteGuards(limits: HttpLimits): RouteGuards {
  const targetLimits: TargetLimits = { maxLength: limits.maxUrlLength, maxParams: limits.maxQueryParams };
  const target = requestTargetLimit(targetLimits);
  const rate = rateLimit(limits.rateLimitPerSecond, limits.rateLimitBurst);
  const shape = jsonShapeLimit({
    maxDepth: limits.jsonMaxDepth,
    maxKeys: limits.jsonMaxKeys,
    maxArray: limits.jsonMaxArray,
    maxString: limits.jsonMaxString,
  });
  const cap = concurrencyCap(new ConcurrencyGate(limits.costlyConcurrency, limits.costlyQueue, limits.costlyQueueMs));
  return {
    target: targetLimits,
    rate,
    chain(route, bodyLimit, authorize = []) {
      return [
        target,
        ...(rate ? [rate.middleware] : []),
        ...authorize,
        ...(bodyLimit ? [bodyLimit, shape] : []),
        ...(isCostly(route) ? [cap] : []),
      ];
    },
    statuses(route) {
      return [
        400,
        414,
        ...(rate ? [429] : []),
        // A write may also meet a read-only database (503 database-read-only).
        ...(isCostly(route) || !(route.method === "get" || route.method === "head") ? [503] : []),
        ...(route.method === "get" || route.method === "head" ? [] : [507]),
      ];
    },
  };
}
