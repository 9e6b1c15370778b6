/**
 * How the console talks to the service: only through its HTTP API, dispatched in
 * process, with the signed-in person's credential forwarded as `Authorization: Bearer`.
 * The console therefore gets the same roles, four-eyes rule, validation and errors as
 * any API client. An answer is either data or the API's problem+json; pages turn a
 * problem into an {@link ApiProblemError}, which the console renders as a page.
 */
import type { ApiDispatch } from "../../contracts/ports/web_surfaces.js";

/** The API's base path. */
export const API_PREFIX = "/api/rmos";

/** The fields of an RFC 9457 problem the console shows. */
export interface ApiProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly location?: string; readonly pointer?: string; readonly message?: string }[];
}

export type ApiResult<T> =
  | { readonly ok: true; readonly status: number; readonly data: T; readonly headers: Headers }
  | { readonly ok: false; readonly status: number; readonly problem: ApiProblem; readonly headers: Headers };

/** An API answer that a page cannot go on without. */
export class ApiProblemError extends Error {
  override readonly name = "ApiProblemError";
  constructor(
    readonly status: number,
    readonly problem: ApiProblem,
  ) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
  }
}

/** Whether a 404 means "this installation has no such route" rather than "no such record". */
export function isMissingRoute(result: ApiResult<unknown>): boolean {
  return !result.ok && result.status === 404 && result.problem.type !== "urn:rmos:problem:not-found";
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<ApiProblem>;
    if (body && typeof body === "object" && typeof body.title === "string") {
      return {
        type: typeof body.type === "string" ? body.type : "about:blank",
        title: body.title,
        status: response.status,
        ...(typeof body.detail === "string" ? { detail: body.detail } : {}),
        ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
      };
    }
  } catch {
    // not JSON: described below from the status and text
  }
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.slice(0, 500),
  };
}

/** One person's view of the API. */
export class ApiClient {
  constructor(
    private readonly dispatch: ApiDispatch,
    /** The origin the console was reached on (the API is asked under the same one). */
    private readonly origin: string,
    private readonly credential: string | null,
    private readonly requestId?: string,
  ) {}

  #headers(extra: Record<string, string> = {}): Headers {
    const headers = new Headers({ accept: "application/json", ...extra });
    if (this.credential) headers.set("authorization", `Bearer ${this.credential}`);
    if (this.requestId) headers.set("x-request-id", this.requestId);
    return headers;
  }

  #url(path: string, query?: URLSearchParams | Record<string, string | undefined>): string {
    const url = new URL(`${API_PREFIX}${path}`, this.origin);
    const entries = query instanceof URLSearchParams ? [...query] : Object.entries(query ?? {});
    for (const [k, v] of entries) if (v !== undefined && v !== "") url.searchParams.append(k, v);
    return url.toString();
  }

  /** The raw answer to a GET (for downloads and text bodies). */
  raw(path: string, init: { query?: Record<string, string | undefined>; headers?: Record<string, string> } = {}) {
    return this.dispatch(new Request(this.#url(path, init.query), { headers: this.#headers(init.headers) }));
  }

  /** GET, parsed. */
  async get<T>(path: string, query?: URLSearchParams | Record<string, string | undefined>): Promise<ApiResult<T>> {
    const response = await this.dispatch(new Request(this.#url(path, query), { headers: this.#headers() }));
    return this.#result<T>(response);
  }

  /** GET of a text body (the log's checkpoint). */
  async getText(path: string): Promise<ApiResult<string>> {
    const response = await this.raw(path, { headers: { accept: "text/plain, application/json" } });
    if (!response.ok)
      return { ok: false, status: response.status, problem: await problemOf(response), headers: response.headers };
    return { ok: true, status: response.status, data: await response.text(), headers: response.headers };
  }

  /** GET of the exact bytes served (to hash them). */
  async getBytes(path: string): Promise<ApiResult<Uint8Array>> {
    const response = await this.raw(path);
    if (!response.ok)
      return { ok: false, status: response.status, problem: await problemOf(response), headers: response.headers };
    return {
      ok: true,
      status: response.status,
      data: new Uint8Array(await response.arrayBuffer()),
      headers: response.headers,
    };
  }

  /** POST of a JSON body, parsed. */
  async post<T>(path: string, body: unknown): Promise<ApiResult<T>> {
    const response = await this.dispatch(
      new Request(this.#url(path), {
        method: "POST",
        headers: this.#headers({ "content-type": "application/json" }),
        body: JSON.stringify(body),
      }),
    );
    return this.#result<T>(response);
  }

  async #result<T>(response: Response): Promise<ApiResult<T>> {
    if (!response.ok)
      return { ok: false, status: response.status, problem: await problemOf(response), headers: response.headers };
    const data = (response.status === 204 ? null : await response.json()) as T;
    return { ok: true, status: response.status, data, headers: response.headers };
  }

  /** GET that a page needs: the data, or an ApiProblemError to render. */
  async need<T>(path: string, query?: URLSearchParams | Record<string, string | undefined>): Promise<T> {
    const result = await this.get<T>(path, query);
    if (!result.ok) throw new ApiProblemError(result.status, result.problem);
    return result.data;
  }
}
