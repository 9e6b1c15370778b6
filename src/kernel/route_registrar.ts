/**
 * Collecting, checking and mounting the plugins' routes.
 *
 * Plugins declare routes through a registrar instead of touching the app: the kernel
 * checks that every route has an operationId (unique) and a tag, adds the error
 * answers every route can give (500; 413 and 415 where a JSON body is read), puts the
 * JSON body limit in front of JSON-body routes, and mounts all routes with static path
 * segments before parameters — so that `/runs/diff` is not taken for a run id whatever
 * the plugin order. Once mounted, the registrar is sealed: a route added after start
 * is refused with the plugin's name.
 *
 * Every route declares who may call it where it is defined: its roles
 * (`...operationRoles(ROLES_FOR.write)`, which puts `security` and `x-rmos-roles` into
 * the OpenAPI operation). A route without roles — or with an empty or unknown role
 * list, or marked public (`security: []`: only the kernel's own probes are public) — is
 * refused at registration, so a new plugin's route cannot forget; the declared roles
 * are enforced by `requireRoles` placed after the request-target and rate limits and
 * before the body is read or validated.
 *
 * A route's query, path parameters and headers are validated by the kernel's own
 * validators (http/request_validators.ts: the same schemas, order and answers as
 * @hono/zod-openapi's, without their per-request overhead); its body by the library's.
 * A `GET` route may come with a cached read (`RouteOptions.cachedRead`): the kernel
 * then answers its plain requests from memory before the framework runs
 * (http/cached_reads.ts), and the route stays mounted for every other request.
 */
import type { RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ROLES_EXTENSION } from "./auth/openapi_security.js";
import { requireRoles } from "./auth/require_roles.js";
import { isRole, type Role } from "./auth/roles.js";
import { problemResponses } from "../contracts/http.js";
import { ProblemError } from "../contracts/problem.js";
import type { CachedReadRoute } from "./http/cached_reads.js";
import { chainMiddleware } from "./http/compose_chain.js";
import { isCostly } from "./http/costly_routes.js";
import { handleError } from "./problems.js";
import { jsonBodyLimit } from "./http/json_body.js";
import { headerKeysOf, requestValidators, type ValidationHook } from "./http/request_validators.js";
import type { RouteGuards } from "./http/route_guards.js";
import type { CachedRead, KernelApp, RouteOptions, RouteRegistrar } from "./plugin_api/routes.js";
import { PluginLoadError } from "./plugin_order.js";

interface CollectedRoute {
  readonly plugin: string;
  readonly route: RouteConfig;
  readonly handler: unknown;
  /** The roles any one of which allows the call. */
  readonly roles: readonly Role[];
  readonly options: RouteOptions | undefined;
}

/** The pattern the framework routes `path` (`/a/{b}`) under (`/a/:b`), as @hono/zod-openapi converts it. */
export function frameworkPattern(path: string): string {
  return path.replaceAll(/\/{(.+?)}/g, "/:$1");
}

/**
 * The cached read of `collected` as the kernel answers it (http/cached_reads.ts);
 * throws PluginLoadError when the route is not one it can answer exactly: a `GET`
 * with path parameters, no body, query or cookies, no required header, no middleware
 * of its own, not costly. `earlier` are the routes mounted before it.
 */
function cachedReadRouteOf(
  prefix: string,
  collected: CollectedRoute,
  read: CachedRead,
  earlier: readonly CollectedRoute[],
): CachedReadRoute {
  const { plugin, route, roles } = collected;
  const name = `plugin "${plugin}": operation ${route.operationId}`;
  const refuse = (why: string): never => {
    throw new PluginLoadError(`${name} has a cached read, but ${why}`);
  };
  const request = route.request ?? {};
  if (route.method !== "get") refuse("it is not a GET");
  if (request.body || request.query || request.cookies) refuse("it reads a body, a query or cookies");
  if (route.middleware) refuse("it has middleware of its own");
  if (isCostly(route)) refuse("it is costly (it runs under the concurrency cap)");
  const params = request.params as z.ZodType | undefined;
  if (!params) refuse("it has no path parameters");
  let headers: string[] = [];
  if (request.headers) {
    const keys = Array.isArray(request.headers) ? undefined : headerKeysOf(request.headers as z.ZodType);
    const none = keys && (request.headers as z.ZodType).safeParse({}).success;
    if (!keys || !none) refuse("its headers are not one object of optional headers");
    headers = (keys ?? []).map(([lower]) => lower);
  }
  const template = `${prefix}${route.path}`;
  return {
    template,
    label: frameworkPattern(template),
    roles,
    params: params as z.ZodType,
    headers,
    before: earlier
      .filter((r) => r.route.method === "get" && r.route.path !== route.path)
      .map((r) => `${prefix}${r.route.path}`),
    read,
  };
}

/**
 * The roles `route` declares; throws PluginLoadError, naming the plugin and operation,
 * when it declares none, a bad list, or marks itself public.
 */
export function declaredRoles(plugin: string, route: RouteConfig): Role[] {
  const name = `plugin "${plugin}": operation ${route.operationId ?? `${route.method} ${route.path}`}`;
  const roles = (route as unknown as Record<string, unknown>)[ROLES_EXTENSION];
  const security = route.security;
  if (Array.isArray(security) && security.length === 0) {
    throw new PluginLoadError(
      `${name} is marked public (security: []): only the kernel's probes are public; declare its roles (ROLES_FOR.read for a read)`,
    );
  }
  if (roles === undefined) {
    throw new PluginLoadError(
      `${name} declares no roles: spread operationRoles(ROLES_FOR.read | write | review | admin) into createRoute`,
    );
  }
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
    throw new PluginLoadError(`${name}: ${ROLES_EXTENSION} must be a non-empty list of roles`);
  }
  return [...roles];
}

function hasJsonBody(route: RouteConfig): boolean {
  const content = route.request?.body?.content ?? {};
  return Object.keys(content).some((m) => /json/i.test(m));
}

/** Orders paths so that, segment by segment, a static segment comes before a parameter. */
export function compareRoutePaths(a: string, b: string): number {
  const sa = a.split("/");
  const sb = b.split("/");
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = (sa[i] ?? "").startsWith("{");
    const pb = (sb[i] ?? "").startsWith("{");
    if (pa !== pb) return pa ? 1 : -1;
  }
  return sa.length - sb.length;
}

/** Collects routes from all plugins, then mounts them in a safe order. */
export class RouteCollector {
  readonly #routes: CollectedRoute[] = [];
  readonly #operationIds = new Map<string, string>();
  readonly #cachedReads: CachedReadRoute[] = [];
  #sealed = false;

  constructor(
    private readonly prefix: string,
    private readonly maxBodyBytes: number,
    /** The app's validation hook: turns a failed query, path or header validation into its answer. */
    private readonly hook: ValidationHook,
    /** Limits put in front of every route (src/kernel/http/route_guards.ts). */
    private readonly guards?: RouteGuards,
  ) {}

  /** The registrar one plugin uses. */
  registrarFor(plugin: string): RouteRegistrar {
    return {
      openapi: (route, handler, options) => {
        if (this.#sealed) {
          throw new PluginLoadError(
            `plugin "${plugin}" added route ${route.method.toUpperCase()} ${route.path} after start`,
          );
        }
        const id = route.operationId;
        if (!id)
          throw new PluginLoadError(`plugin "${plugin}": route ${route.method} ${route.path} has no operationId`);
        if (!route.tags || route.tags.length === 0) {
          throw new PluginLoadError(`plugin "${plugin}": operation ${id} has no tag`);
        }
        const owner = this.#operationIds.get(id);
        if (owner) throw new PluginLoadError(`plugin "${plugin}": operationId ${id} is already used by "${owner}"`);
        const roles = declaredRoles(plugin, route);
        this.#operationIds.set(id, plugin);
        this.#routes.push({ plugin, route, handler, roles, options });
      },
    };
  }

  /** Mounts every collected route on `app` and seals the collector. */
  mount(app: KernelApp): void {
    this.#sealed = true;
    const ordered = [...this.#routes].sort((x, y) => compareRoutePaths(x.route.path, y.route.path));
    for (const [i, collected] of ordered.entries()) {
      const read = collected.options?.cachedRead;
      if (read) this.#cachedReads.push(cachedReadRouteOf(this.prefix, collected, read, ordered.slice(0, i)));
    }
    for (const { route, handler, roles } of ordered) {
      const json = hasJsonBody(route);
      const extra = problemResponses(
        401,
        403,
        ...(json ? [413, 415, 500] : [500]),
        ...(this.guards?.statuses(route) ?? []),
      );
      const tooLarge = (): never => {
        throw new ProblemError(413, `the body is larger than the limit of ${this.maxBodyBytes} bytes`, {
          slug: "body-too-large",
        });
      };
      const limit = jsonBodyLimit(
        this.maxBodyBytes,
        tooLarge,
        bodyLimit({ maxSize: this.maxBodyBytes, onError: tooLarge }),
      );
      const authorize = [requireRoles(roles) as unknown as MiddlewareHandler];
      const guarded = this.guards
        ? this.guards.chain(route, json ? limit : undefined, authorize)
        : [...authorize, ...(json ? [limit] : [])];
      const document: RouteConfig = {
        ...route,
        path: `${this.prefix}${route.path}`,
        responses: { ...extra, ...route.responses },
      };
      delete document.middleware;
      // The route as the OpenAPI document describes it; mounted below with its query,
      // path and header validation done by the kernel's validators (request_validators.ts),
      // placed where the library puts its own: after every other middleware.
      app.openAPIRegistry.registerPath(document);
      const { validators, rest } = requestValidators(route.request, this.hook);
      const chain = [...guarded, ...(route.middleware ? [route.middleware].flat() : []), ...validators];
      const middleware = chain.length > 0 ? [chainMiddleware(chain, handleError as never)] : [];
      const mounted: RouteConfig & { hide: true } = {
        ...document,
        ...(rest ? { request: rest } : {}),
        ...(middleware.length > 0 ? { middleware } : {}),
        hide: true,
      };
      (app.openapi as (r: RouteConfig, h: unknown) => void)(mounted, handler);
    }
  }

  /** The routes whose cached reads the kernel answers (once mounted). */
  get cachedReads(): readonly CachedReadRoute[] {
    return this.#cachedReads;
  }

  /**
   * The methods allowed on `path`: those of the most specific route template that
   * matches it (static segments before parameters, as requests are routed), or none.
   */
  allowedMethods(path: string): string[] {
    const templates = [...new Set(this.#routes.map(({ route }) => route.path))].sort(compareRoutePaths);
    for (const template of templates) {
      const regex = new RegExp(`^${this.prefix}${template.replace(/\{[^/]+\}/g, "[^/]+")}$`);
      if (regex.test(path)) {
        return this.#routes
          .filter(({ route }) => route.path === template)
          .map(({ route }) => route.method.toUpperCase());
      }
    }
    return [];
  }
}
