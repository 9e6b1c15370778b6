/**
 * What the contract checks: a target is anything that answers `fetch(path, init)` for
 * a path under the service root (`/api/rmos/runs`, `/healthz`). {@link httpTarget}
 * reaches an installation over HTTP with an optional bearer token; the service's own
 * tests pass their in-process app instead, so the same checks run both ways.
 */

/** How the checks reach the service. */
export interface ContractTarget {
  /** A name for reports, e.g. the base URL. */
  readonly name: string;
  /** Sends a request for `path` (absolute path under the service root). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Sends a request without the target's credential (for the authorization check); a
   * target without it sends no credential through `fetch` either.
   */
  fetchAnonymous?(path: string, init?: RequestInit): Promise<Response>;
}

/** Options of {@link httpTarget}. */
export interface HttpTargetOptions {
  /** A bearer credential, sent as `Authorization: Bearer …` (never written to a report). */
  readonly token?: string;
  /** The fetch to use (default: the global one). */
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** A request without an answer after this long fails its check (default 60 s), so a hung service cannot hang the run. */
  readonly timeoutMs?: number;
}

/** The service root of `baseUrl` (no trailing slash, no trailing `/api/rmos`); throws TypeError if not http(s). */
export function serviceRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`not an http(s) URL: ${baseUrl}`);
  const pathname = url.pathname.replace(/\/+$/, "").replace(/\/api\/rmos$/, "");
  return `${url.origin}${pathname}`;
}

/** A target over HTTP at `baseUrl`. */
export function httpTarget(baseUrl: string, options: HttpTargetOptions = {}): ContractTarget {
  const root = serviceRoot(baseUrl);
  const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  const send = (path: string, init: RequestInit, token: string | undefined) => {
    const headers = new Headers(init.headers);
    if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
    const signal = init.signal ?? AbortSignal.timeout(options.timeoutMs ?? 60_000);
    return fetchFn(`${root}${path}`, { ...init, headers, redirect: "manual", signal });
  };
  return {
    name: root,
    fetch: (path, init = {}) => send(path, init, options.token),
    fetchAnonymous: (path, init = {}) => send(path, init, undefined),
  };
}
