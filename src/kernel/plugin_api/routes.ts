/**
 * What a plugin's routes see of the HTTP side: the registrar through which it declares
 * its OpenAPI routes, the environment every handler runs in, and the API's base path.
 * The kernel collects, checks and mounts the declared routes (src/kernel/route_registrar.ts):
 * a route that declares no roles is refused, and the declared roles are enforced.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Principal } from "../auth/principal.js";
import type { Logger } from "../logger.js";

/** The base path of the API. */
export const API_BASE = "/api/rmos";

/** The 200 answer a route's handler would give, ready to write: its headers (lower-case names) and body. */
export interface CachedAnswer {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/**
 * A cached read of a `GET` route: given the validated path parameters, the answer the
 * route's handler would give right now when it is at hand in memory (a write-once
 * resource in a cache), else undefined — the request then goes to the handler. It must
 * be synchronous and cheap, and answer exactly what the handler would (status 200, the
 * same headers and bytes); the kernel adds what its middleware adds (X-Request-Id,
 * Content-Length) after the same request-id, authentication, rate-limit, role and
 * validation checks, and records the request's metrics and log line the same way.
 */
export type CachedRead = (params: Readonly<Record<string, string>>) => CachedAnswer | undefined;

/** Options of one route. */
export interface RouteOptions {
  /**
   * Lets the kernel answer a plain `GET` of this route before its HTTP framework runs,
   * from `cachedRead`, when the request is allowed and has nothing unusual (no query,
   * none of the route's headers, no body); every other request, and a cache miss, goes
   * to the handler. Only for a `GET` route with path parameters, no body, no query or
   * header parameter that is required, and no middleware of its own.
   */
  readonly cachedRead?: CachedRead;
}

/** Declares OpenAPI routes; the kernel orders, checks and mounts them. */
export interface RouteRegistrar {
  /**
   * Adds a route: `route` from `createRoute` (with operationId, tags and its roles —
   * `...operationRoles(ROLES_FOR.x)` from ./auth.js), `handler` its implementation.
   */
  openapi<R extends RouteConfig>(route: R, handler: RouteHandler<R, KernelEnv>, options?: RouteOptions): void;
}

/** The environment type of every handler: what middleware leaves on the context. */
export interface KernelEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Who is calling (set by authentication before any route runs; `anonymous` when it is off). */
    principal: Principal;
  };
}

/** The kernel's HTTP application. */
export type KernelApp = OpenAPIHono<KernelEnv>;
