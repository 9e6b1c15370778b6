/**
 * Mounting the plugins' web surfaces (see src/contracts/ports/web_surfaces.ts) on the
 * kernel's app: each surface answers every method under its prefix, and gets a
 * dispatcher into the same app so that what it shows comes through the API itself.
 * The dispatcher gives the API no server bindings: an in-process call must not reach
 * the outer connection (handlers that stream through Node's `incoming`/`outgoing`
 * would otherwise read the page's request body or write into the page's response);
 * without them the API answers with a Response, as under `app.request`.
 */
import type { Context } from "hono";
import type { DependencyContainer } from "tsyringe";
import { WEB_SURFACES, type WebSurfaceRegistry } from "../contracts/ports/web_surfaces.js";
import type { KernelApp, KernelEnv } from "./plugin.js";

/** Mounts every surface registered under WEB_SURFACES (none when no plugin binds it). */
export function mountWebSurfaces(app: KernelApp, container: DependencyContainer): void {
  if (!container.isRegistered(WEB_SURFACES, true)) return;
  for (const surface of container.resolve<WebSurfaceRegistry>(WEB_SURFACES).list()) {
    const handler = (c: Context<KernelEnv>) =>
      surface.fetch(c.req.raw, (request) => Promise.resolve(app.fetch(request, {})));
    app.all(surface.prefix, handler);
    app.all(`${surface.prefix}/*`, handler);
  }
}
