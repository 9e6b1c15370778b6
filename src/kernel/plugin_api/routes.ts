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

/** Declares OpenAPI routes; the kernel orders, checks and mounts them. */
export interface RouteRegistrar {
  /**
   * Adds a route: `route` from `createRoute` (with operationId, tags and its roles —
   * `...operationRoles(ROLES_FOR.x)` from ./auth.js), `handler` its implementation.
   */
  openapi<R extends RouteConfig>(route: R, handler: RouteHandler<R, KernelEnv>): void;
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
