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
 */
import type { RouteConfig } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { problemResponses } from "../contracts/http.js";
import { ProblemError } from "../contracts/problem.js";
import type { RouteGuards } from "./http/route_guards.js";
import type { KernelApp, RouteRegistrar } from "./plugin_api/routes.js";
import { PluginLoadError } from "./plugin_order.js";

interface CollectedRoute {
  readonly plugin: string;
  readonly route: RouteConfig;
  readonly handler: unknown;
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
  #sealed = false;

  constructor(
    private readonly prefix: string,
    private readonly maxBodyBytes: number,
    /** Limits put in front of every route (src/kernel/http/route_guards.ts). */
    private readonly guards?: RouteGuards,
  ) {}

  /** The registrar one plugin uses. */
  registrarFor(plugin: string): RouteRegistrar {
    return {
      openapi: (route, handler) => {
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
        this.#operationIds.set(id, plugin);
        this.#routes.push({ plugin, route, handler });
      },
    };
  }

  /** Mounts every collected route on `app` and seals the collector. */
  mount(app: KernelApp): void {
    this.#sealed = true;
    const ordered = [...this.#routes].sort((x, y) => compareRoutePaths(x.route.path, y.route.path));
    for (const { route, handler } of ordered) {
      const json = hasJsonBody(route);
      const extra = problemResponses(...(json ? [413, 415, 500] : [500]), ...(this.guards?.statuses(route) ?? []));
      const limit = bodyLimit({
        maxSize: this.maxBodyBytes,
        onError: () => {
          throw new ProblemError(413, `the body is larger than the limit of ${this.maxBodyBytes} bytes`, {
            slug: "body-too-large",
          });
        },
      });
      const guarded = this.guards ? this.guards.chain(route, json ? limit : undefined) : json ? [limit] : [];
      const middleware = [...guarded, ...(route.middleware ? [route.middleware].flat() : [])];
      const full: RouteConfig = {
        ...route,
        path: `${this.prefix}${route.path}`,
        responses: { ...extra, ...route.responses },
        ...(middleware.length > 0 ? { middleware } : {}),
      };
      (app.openapi as (r: RouteConfig, h: unknown) => void)(full, handler);
    }
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
