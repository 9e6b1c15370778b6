/**
 * The one place where the client talks HTTP: it joins paths to the base URL, adds the
 * bearer token, encodes query parameters and JSON bodies, retries what is safe to
 * retry (see retry.ts) and turns every unexpected answer into an {@link RmosProblem}.
 * The resource modules (runs, attachments, advisories, sessions) describe requests;
 * they never call fetch themselves.
 */
import { problemFromResponse, RmosConnectionError } from "./problem.js";
import { isConnectionFailure, type RetryPolicy, retryDelayMs, sleep } from "./retry.js";

/** The API's base path under the service root. */
export const API_BASE = "/api/rmos";

/** A fetch function (the global one, or the caller's). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A request body fetch accepts. */
export type RequestBody = NonNullable<RequestInit["body"]>;

/** Query parameter values; `undefined` ones are left out. */
export type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** One request, described. */
export interface RequestSpec {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Under the API base (`/runs`), or from the service root when `root` is set (`/healthz`). */
  readonly path: string;
  readonly root?: boolean;
  readonly query?: QueryValues;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body (serialised once, resent as is on a retry). */
  readonly json?: unknown;
  /** A raw body; called again for each attempt, so a retry gets a fresh stream. */
  readonly body?: () => Promise<RequestBody>;
  /** Whether this request may be sent again after a failed connection or a 503. */
  readonly retry: boolean;
  /** The statuses that are answers, not errors. */
  readonly expect: readonly number[];
  readonly signal?: AbortSignal;
}

/** How a transport reaches the service. */
export interface TransportOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly fetch: FetchLike;
  readonly retry: RetryPolicy;
}

/** Sends described requests (see {@link RequestSpec}). */
export interface Transport {
  /** The answer, when its status is one of `spec.expect`; otherwise throws RmosProblem or RmosConnectionError. */
  send(spec: RequestSpec): Promise<Response>;
  /** The absolute URL of a path under the API base. */
  url(path: string, query?: QueryValues): string;
}

/** The service root of `baseUrl`: no trailing slash, and no `/api/rmos` if the caller gave it. */
export function serviceRoot(baseUrl: string): string {
  const parsed = new URL(baseUrl);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`baseUrl must be http(s): ${baseUrl}`);
  }
  let pathname = parsed.pathname.replace(/\/+$/, "");
  if (pathname.endsWith(API_BASE)) pathname = pathname.slice(0, -API_BASE.length);
  return `${parsed.origin}${pathname}`;
}

function withQuery(url: string, query?: QueryValues): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

/** A transport for `options`. */
export function createTransport(options: TransportOptions): Transport {
  const root = serviceRoot(options.baseUrl);
  const url = (path: string, query?: QueryValues) => withQuery(`${root}${API_BASE}${path}`, query);

  async function attempt(spec: RequestSpec, jsonText: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (jsonText !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, spec.headers);
    const init: RequestInit & { duplex?: "half" } = { method: spec.method, headers };
    if (spec.signal) init.signal = spec.signal;
    if (jsonText !== undefined) init.body = jsonText;
    else if (spec.body) {
      init.body = await spec.body();
      init.duplex = "half"; // a stream body is sent as it is read
    }
    const target = spec.root ? withQuery(`${root}${spec.path}`, spec.query) : url(spec.path, spec.query);
    return options.fetch(target, init);
  }

  async function send(spec: RequestSpec): Promise<Response> {
    const jsonText = spec.json === undefined ? undefined : JSON.stringify(spec.json);
    const maxAttempts = spec.retry ? options.retry.retries + 1 : 1;
    for (let n = 1; ; n++) {
      let res: Response;
      try {
        res = await attempt(spec, jsonText);
      } catch (error) {
        if (!isConnectionFailure(error, spec.signal)) throw error;
        if (n >= maxAttempts) {
          const what = `${spec.method} ${spec.path}`;
          throw new RmosConnectionError(`${what}: no answer from ${root} after ${n} attempt(s)`, n, { cause: error });
        }
        await sleep(retryDelayMs(options.retry, n), spec.signal);
        continue;
      }
      if (spec.expect.includes(res.status)) return res;
      if (res.status === 503 && n < maxAttempts) {
        await res.body?.cancel();
        await sleep(retryDelayMs(options.retry, n, res.headers.get("retry-after")), spec.signal);
        continue;
      }
      throw await problemFromResponse(res);
    }
  }

  return { send, url };
}

/** The JSON body of an answer. */
export async function jsonOf<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
