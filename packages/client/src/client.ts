/**
 * `createRmosClient`: one object per service installation, holding the base URL, the
 * bearer token, the fetch to use and the retry policy, with the resources as members
 * (`runs`, `attachments`, `advisories`, `sessions`) and the service probes
 * (`health`, `ready`). Nothing is sent until a method is called.
 */
import { type AdvisoriesApi, advisoriesApi } from "./advisories.js";
import { type AttachmentsApi, attachmentsApi } from "./attachments.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { type CallOptions, type RunsApi, runsApi } from "./runs.js";
import { type SessionsApi, sessionsApi } from "./sessions.js";
import { createTransport, type FetchLike, jsonOf } from "./transport.js";
import type { Health, Readiness } from "./types.js";

/** Options of {@link createRmosClient}. */
export interface RmosClientOptions {
  /** The service root, e.g. `https://rmos.example` (a trailing `/api/rmos` is accepted too). */
  readonly baseUrl: string;
  /** A bearer credential (API token or JWT), sent as `Authorization: Bearer …`. */
  readonly token?: string;
  /** The fetch to use (default: the global one), e.g. to add tracing or a proxy agent. */
  readonly fetch?: FetchLike;
  /** Retries after a failed connection or a 503, for requests safe to repeat (default 3). */
  readonly retries?: number;
  /** The first backoff wait in ms, doubled per retry (default 200). */
  readonly retryDelayMs?: number;
  /** How many run artifacts are remembered for ETag reuse (default 1000; 0 = none). */
  readonly cacheSize?: number;
}

/** A client of one RMOS Runs installation. */
export interface RmosClient {
  readonly runs: RunsApi;
  readonly attachments: AttachmentsApi;
  readonly advisories: AdvisoriesApi;
  readonly sessions: SessionsApi;
  /** `GET /healthz`: the process answers. */
  health(options?: CallOptions): Promise<Health>;
  /** `GET /readyz`: storage and database ready (a 503 RmosProblem when not, after the retries). */
  ready(options?: CallOptions): Promise<Readiness>;
}

/** A client for the installation at `options.baseUrl`. */
export function createRmosClient(options: RmosClientOptions): RmosClient {
  const retries = options.retries ?? DEFAULT_RETRY_POLICY.retries;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > 20) {
    throw new RangeError(`retries must be an integer from 0 to 20: ${retries}`);
  }
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    retries,
    baseDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
  };
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const transport = createTransport({
    baseUrl: options.baseUrl,
    fetch: fetchFn,
    retry,
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
  const probe = async <T>(path: string, callOptions: CallOptions) =>
    jsonOf<T>(await transport.send({ method: "GET", path, root: true, retry: true, expect: [200], ...callOptions }));
  return {
    runs: runsApi(transport, options.cacheSize ?? 1000),
    attachments: attachmentsApi(transport),
    advisories: advisoriesApi(transport),
    sessions: sessionsApi(transport),
    health: (callOptions = {}) => probe<Health>("/healthz", callOptions),
    ready: (callOptions = {}) => probe<Readiness>("/readyz", callOptions),
  };
}
