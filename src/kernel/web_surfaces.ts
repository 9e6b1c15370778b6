/**
 * Mounting the plugins' web surfaces (see src/contracts/ports/web_surfaces.ts) on the
 * kernel's app. The kernel owns the registry (bound to WEB_SURFACES like DATABASE, so a
 * plugin consumes it and adds its surface in `init`); each surface answers every method
 * under its prefix, and gets a dispatcher into the same app so that what it shows comes
 * through the API itself. The dispatcher gives the API no server bindings: an in-process
 * call must not reach the outer connection (handlers that stream through Node's
 * `incoming`/`outgoing` would otherwise read the page's request body or write into the
 * page's response); without them the API answers with a Response, as under `app.request`.
 */
import type { Context } from "hono";
import type { WebSurfaceRegistry } from "../contracts/ports/web_surfaces.js";
import type { KernelApp, KernelEnv } from "./plugin_api/routes.js";

/** Mounts every surface in `registry` (none when no plugin added one). */
export function mountWebSurfaces(app: KernelApp, registry: WebSurfaceRegistry): void {
  for (const surface of registry.list()) {
    const handler = (c: Context<KernelEnv>) =>
      surface.fetch(c.req.raw, (request) => Promise.resolve(app.fetch(request, {})));
    app.all(surface.prefix, handler);
    app.all(`${surface.prefix}/*`, handler);
  }
}
