/**
 * Web surfaces: pages a plugin serves outside the API's base path (the auditor console
 * at `/ui`). A surface answers every request under its prefix and reaches the service
 * only through `api`, which dispatches a request into the service's own HTTP app in
 * process — the same routes, roles, validation and errors as a client over the network.
 * The kernel binds one registry to {@link WEB_SURFACES} and mounts every surface in it
 * after the API's routes (src/kernel/web_surfaces.ts); a plugin consumes the token and
 * adds its surface in `init`.
 */
import { token } from "../token.js";

/** Dispatches a request into the service's own HTTP app, in process. */
export type ApiDispatch = (request: Request) => Promise<Response>;

/** One surface: a path prefix and the handler of every request under it. */
export interface WebSurface {
  /** The prefix it owns, e.g. `/ui`: the prefix itself and everything below it. */
  readonly prefix: string;
  /** Answers one request; `api` calls the service's API in process. */
  fetch(request: Request, api: ApiDispatch): Promise<Response>;
}

/** The registered surfaces. */
export class WebSurfaceRegistry {
  readonly #surfaces: WebSurface[] = [];

  /** Adds a surface; a prefix already taken, or one that is not `/name`, is refused. */
  add(surface: WebSurface): void {
    if (!/^\/[a-z][a-z0-9-]*$/.test(surface.prefix)) {
      throw new Error(`web surface prefix ${JSON.stringify(surface.prefix)} must look like /name`);
    }
    if (surface.prefix === "/api" || this.#surfaces.some((s) => s.prefix === surface.prefix)) {
      throw new Error(`web surface prefix ${surface.prefix} is already taken`);
    }
    this.#surfaces.push(surface);
  }

  /**
   * Whether `path` is a surface's: its prefix or below it. The kernel's authentication
   * lets these through (a surface signs its people in itself and calls the API with
   * their credential, which the API checks as any other).
   */
  owns(path: string): boolean {
    return this.#surfaces.some((s) => path === s.prefix || path.startsWith(`${s.prefix}/`));
  }

  /** Every surface, in the order added. */
  list(): readonly WebSurface[] {
    return [...this.#surfaces];
  }
}

/** The kernel's registry of web surfaces (provided by the kernel, consumed by plugins). */
export const WEB_SURFACES = token<WebSurfaceRegistry>("WebSurfaces");
