/**
 * Mounting the plugins' web surfaces (see src/contracts/ports/web_surfaces.ts) on the
 * kernel's app: each surface answers every method under its prefix, and gets a
 * dispatcher into the same app so that what it shows comes through the API itself.
 * The dispatcher passes the incoming request's server bindings on, so an in-process
 * API call runs exactly as one from the network would.
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
      surface.fetch(c.req.raw, (request) => Promise.resolve(app.fetch(request, c.env)));
    app.all(surface.prefix, handler);
    app.all(`${surface.prefix}/*`, handler);
  }
}
