/**
 * The kernel's answer of cached reads: a plain `GET` of a route whose plugin gave a
 * `cachedRead` (plugin_api/routes.ts) is answered from Node's request listener, before
 * the HTTP framework runs, when the answer is in memory — one `writeHead` + `end` of
 * the cached bytes, without the node adapter's `URL` and request objects, Hono's
 * router, middleware chain and validators (docs/plugins/runs.md, "Performance").
 *
 * It runs the same checks as the middleware, through the same functions: the request
 * target limits (request_target.ts), authentication (`CredentialChecker`, side-effect
 * free), the route's roles (`holdsRoles`), the path parameters' zod schema, the rate
 * limit (`RateLimit.admit`, keyed by `clientKey`), the request id (`requestIdOf`), and
 * it records the request's metrics and log line with the middleware's
 * `RequestRecorder`. It answers only what it can answer exactly as the route would;
 * anything else — a method other than GET (HEAD included), a query, a percent-encoded or
 * dot segment, a Host header the adapter would refuse, a request body, any header the
 * route reads (If-None-Match), a path another route or a web surface answers, a refused
 * credential, a missing role, an invalid parameter, a cache miss, a bucket with no
 * token left, an error — goes to the framework untouched, which then answers it and
 * logs any refusal once. The rate-limit token is taken last, only for a request this
 * path answers; a refused `admit` takes nothing, so the framework's own check counts
 * the request once.
 *
 * Node emits a request before its parser has seen the end of the message (a `GET`
 * without body is complete a moment later, in the same read), and the server's
 * response class closes the connection of a response written before its request is
 * complete (lingering_close.ts); so the answer is written in a microtask, as the
 * framework's would be, and only once the request is complete.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "@hono/zod-openapi";
import type { CredentialCheck, CredentialChecker } from "../auth/authenticate.js";
import { holdsRoles } from "../auth/require_roles.js";
import type { Role } from "../auth/roles.js";
import type { CachedRead } from "../plugin_api/routes.js";
import type { RequestRecorder } from "../request_context.js";
import { requestIdOf } from "../request_context.js";
import { clientKey } from "./client_key.js";
import { rawHeaderValue } from "./node_bindings.js";
import type { RateLimit } from "./rate_limit.js";
import { type TargetLimits, targetRefusal } from "./request_target.js";

/** One route answered from its cached read. */
export interface CachedReadRoute {
  /** The full path template (`/api/rmos/runs/{run_id}`). */
  readonly template: string;
  /** The route pattern the framework matches it under, the metrics' `route` label (`/api/rmos/runs/:run_id`). */
  readonly label: string;
  /** The roles any one of which allows the call. */
  readonly roles: readonly Role[];
  /** The path parameters' schema. */
  readonly params: z.ZodType;
  /** Lower-case names of the headers the route reads: a request carrying one goes to the framework. */
  readonly headers: readonly string[];
  /** Full path templates of other `GET` routes tried before this one: a path they match goes to the framework. */
  readonly before: readonly string[];
  readonly read: CachedRead;
}

/** What the answer shares with the middleware. */
export interface CachedReadChecks {
  readonly recorder: RequestRecorder;
  /** The credential check (built on first use by the kernel). */
  readonly credentials: () => CredentialChecker;
  readonly target: TargetLimits;
  readonly rate: RateLimit | undefined;
  /** Whether a web surface owns `path` (it is then not an API request). */
  readonly surfaceOwns: (path: string) => boolean;
}

/** The server's state: a stopping server's answers close their connection (the framework writes those). */
export interface ServerState {
  readonly stopping: boolean;
}

interface CompiledRoute {
  readonly route: CachedReadRoute;
  /** The template's paths, a group per parameter. */
  readonly pattern: RegExp;
  /** The parameters' names, in the order of the groups. */
  readonly names: readonly string[];
  readonly before: readonly RegExp[];
  /** The lower-case header names that send a request to the framework. */
  readonly excluded: ReadonlySet<string>;
}

/** Characters a path may hold to be answered here: those the URL parser and the router leave as they are. */
const PLAIN_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/** Headers of a request with a body: such a request goes to the framework. */
const BODY_HEADERS = ["content-length", "transfer-encoding"];

/** A regular expression matching the paths of `template`, as the framework routes them; with `groups`, one per parameter. */
export function templatePattern(template: string, groups = false): RegExp {
  const source = template
    .split(/(\{[^/]+\})/)
    .map((part) => (part.startsWith("{") ? (groups ? "([^/]+)" : "[^/]+") : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/** The parameter names of `template`, in order. */
function parameterNames(template: string): string[] {
  return [...template.matchAll(/\{([^/]+)\}/g)].map((m) => m[1] as string);
}

/**
 * Whether the node adapter accepts `host` (it answers 400 otherwise): its URL's host
 * name must be the header, with or without a port (the check of @hono/node-server's
 * `newRequest`, made on the same URL string).
 */
function adapterAcceptsHost(host: string): boolean {
  try {
    const url = new URL(`http://${host}/`);
    return url.hostname.length === host.length || url.hostname === host.replace(/:\d+$/, "");
  } catch {
    return false;
  }
}

/** The most Host values whose check is remembered (a client cannot grow the map past it). */
const MAX_HOSTS = 64;

/** Answers cached reads; see the module comment. */
export class CachedReads {
  readonly #routes: readonly CompiledRoute[];
  readonly #checks: CachedReadChecks;
  readonly #hosts = new Map<string, boolean>();
  #served = 0;

  constructor(routes: readonly CachedReadRoute[], checks: CachedReadChecks) {
    this.#checks = checks;
    this.#routes = routes.map((route) => ({
      route,
      pattern: templatePattern(route.template, true),
      names: parameterNames(route.template),
      before: route.before.map((template) => templatePattern(template)),
      excluded: new Set([...route.headers, ...BODY_HEADERS]),
    }));
  }

  /** Requests answered here so far (for tests and diagnostics). */
  get served(): number {
    return this.#served;
  }

  /** Whether any route is answered here. */
  get active(): boolean {
    return this.#routes.length > 0;
  }

  /**
   * Answers the request when it can: false when the framework must (nothing was done),
   * else a promise of whether it answered (false: the framework must, nothing was done).
   */
  serve(incoming: IncomingMessage, outgoing: ServerResponse, server?: ServerState): false | Promise<boolean> {
    const started = performance.now();
    if (incoming.method !== "GET") return false;
    const path = incoming.url;
    if (path === undefined || !PLAIN_PATH.test(path)) return false;
    const matched = this.#match(path);
    if (matched === undefined) return false;
    const { compiled, values } = matched;
    const checks = this.#checks;
    if (targetRefusal(path, checks.target) !== undefined) return false;
    // One pass over the raw headers (Node's `headers` object is built on first use: not here).
    const raw = incoming.rawHeaders;
    let host: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      if (compiled.excluded.has(name)) return false;
      if (name === "host") {
        if (host !== undefined) return false;
        host = raw[i + 1];
      }
    }
    if (host === undefined || !this.#hostAccepted(host)) return false;
    if (checks.surfaceOwns(path)) return false;
    const parsed = safeParseSync(compiled.route.params, values);
    if (parsed === undefined || !parsed.success) return false;
    const found = checks.credentials()("GET", path, () => rawHeaderValue(raw, "authorization"));
    const params = parsed.data as Record<string, string>;
    // Answered in a microtask (or once the credential is checked): the request is complete by then.
    return (found instanceof Promise ? found : Promise.resolve(found)).then(
      (check) => this.#answer(incoming, outgoing, compiled.route, params, check, path, started, server),
      () => false,
    );
  }

  /**
   * The route whose template `path` matches (and no route tried before it does), with
   * its raw parameters; a dot segment (which the URL parser resolves) matches none.
   */
  #match(path: string): { compiled: CompiledRoute; values: Record<string, string> } | undefined {
    for (const compiled of this.#routes) {
      const found = compiled.pattern.exec(path);
      if (found === null) continue;
      const values: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < compiled.names.length; i++) {
        const part = found[i + 1] as string;
        if (part === "." || part === "..") ok = false;
        values[compiled.names[i] as string] = part;
      }
      if (!ok || compiled.before.some((pattern) => pattern.test(path))) continue;
      return { compiled, values };
    }
    return undefined;
  }

  #hostAccepted(host: string): boolean {
    let accepted = this.#hosts.get(host);
    if (accepted === undefined) {
      accepted = adapterAcceptsHost(host);
      if (this.#hosts.size < MAX_HOSTS) this.#hosts.set(host, accepted);
    }
    return accepted;
  }

  /** Writes the cached answer when the request is allowed and the answer is at hand; false otherwise. */
  #answer(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    route: CachedReadRoute,
    params: Record<string, string>,
    check: CredentialCheck,
    path: string,
    started: number,
    server: ServerState | undefined,
  ): boolean {
    if (check.kind !== "principal" || !holdsRoles(check.principal, route.roles)) return false;
    if (!incoming.complete || outgoing.headersSent || outgoing.destroyed || server?.stopping) return false;
    const answer = route.read(params);
    if (answer === undefined) return false;
    const { principal } = check;
    const rate = this.#checks.rate;
    if (rate && rate.admit(clientKey(principal, incoming.socket?.remoteAddress)) > 0) return false;
    const requestId = requestIdOf(rawHeaderValue(incoming.rawHeaders, "x-request-id"));
    const recorder = this.#checks.recorder;
    const seconds = (performance.now() - started) / 1000;
    const request = { method: "GET", path, route: route.label, principal: principal.id };
    recorder.record(request, 200, seconds, () => recorder.loggerFor(requestId));
    // The head the framework's answer has — the middleware's id first, then the route's
    // headers, then the adapter's Content-Length — as one list: Node writes it as given.
    const head: Array<string | number> = ["x-request-id", requestId];
    const { headers } = answer;
    for (const name in headers) head.push(name, headers[name] as string);
    head.push("Content-Length", answer.body.byteLength);
    outgoing.writeHead(200, head as unknown as string[]);
    outgoing.end(answer.body);
    this.#served++;
    return true;
  }
}

/** The result of parsing `value` with `schema` synchronously, or undefined when the schema is asynchronous. */
function safeParseSync(schema: z.ZodType, value: unknown): ReturnType<z.ZodType["safeParse"]> | undefined {
  try {
    return schema.safeParse(value);
  } catch {
    return undefined;
  }
}
