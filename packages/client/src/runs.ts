/**
 * `client.runs`: create a run (under an Idempotency-Key, generated when the caller
 * gives none, so that a retry after a lost connection or a 503 cannot create a second
 * run), read one (with ETag reuse: the client remembers each artifact and its ETag,
 * asks with `If-None-Match`, and serves its copy on a 304), list them as an async
 * iterator over every page, verify one, and diff two.
 */
import { EtagCache } from "./etag_cache.js";
import { everyItem } from "./pages.js";
import { jsonOf, type Transport } from "./transport.js";
import type {
  CreateRunRequest,
  RunArtifact,
  RunDiff,
  RunFilters,
  RunPage,
  RunSummary,
  RunVerifyReport,
} from "./types.js";

/** Options of one call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of {@link RunsApi.create}. */
export interface CreateRunOptions extends CallOptions {
  /** The Idempotency-Key; a random one is generated when left out. */
  readonly idempotencyKey?: string;
}

/** The runs resource. */
export interface RunsApi {
  /** Creates a run; a retry reuses the same Idempotency-Key, so at most one run is created. */
  create(body: CreateRunRequest, options?: CreateRunOptions): Promise<RunArtifact>;
  /** Reads a run (a cached copy is revalidated with If-None-Match and reused on 304). */
  get(runId: string, options?: CallOptions): Promise<RunArtifact>;
  /** Every run matching `filters`, newest first, across every page. */
  list(filters?: RunFilters, options?: CallOptions): AsyncGenerator<RunSummary>;
  /** One page of the list (`cursor` from the previous page's `next_cursor`). */
  page(filters?: RunFilters & { cursor?: string }, options?: CallOptions): Promise<RunPage>;
  /** The service's own check of a run: bytes, hashes, attachments. */
  verify(runId: string, options?: CallOptions): Promise<RunVerifyReport>;
  /** What changed from run `a` to run `b`. */
  diff(a: string, b: string, options?: CallOptions): Promise<RunDiff>;
}

/** A new Idempotency-Key (random, 122 bits). */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

const runPath = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

/** The runs resource over `transport`; `cacheSize` bounds the ETag cache. */
export function runsApi(transport: Transport, cacheSize: number): RunsApi {
  const cache = new EtagCache(cacheSize);

  const page: RunsApi["page"] = async (filters = {}, options = {}) =>
    jsonOf<RunPage>(
      await transport.send({ method: "GET", path: "/runs", query: filters, retry: true, expect: [200], ...options }),
    );

  return {
    async create(body, options = {}) {
      const key = options.idempotencyKey ?? newIdempotencyKey();
      const res = await transport.send({
        method: "POST",
        path: "/runs",
        json: body,
        headers: { "idempotency-key": key },
        retry: true,
        expect: [200, 201],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return jsonOf<RunArtifact>(res);
    },

    async get(runId, options = {}) {
      const path = runPath(runId);
      const cached = cache.get(path);
      const res = await transport.send({
        method: "GET",
        path,
        headers: cached ? { "if-none-match": cached.etag } : {},
        retry: true,
        expect: cached ? [200, 304] : [200],
        ...options,
      });
      if (res.status === 304 && cached) return JSON.parse(cached.text) as RunArtifact;
      const text = await res.text();
      const etag = res.headers.get("etag");
      if (etag) cache.set(path, { etag, text });
      return JSON.parse(text) as RunArtifact;
    },

    list(filters = {}, options = {}) {
      return everyItem((cursor) => page(cursor === undefined ? filters : { ...filters, cursor }, options));
    },

    page,

    async verify(runId, options = {}) {
      return jsonOf<RunVerifyReport>(
        await transport.send({
          method: "GET",
          path: `${runPath(runId)}/verify`,
          retry: true,
          expect: [200],
          ...options,
        }),
      );
    },

    async diff(a, b, options = {}) {
      return jsonOf<RunDiff>(
        await transport.send({
          method: "GET",
          path: "/runs/diff",
          query: { a, b },
          retry: true,
          expect: [200],
          ...options,
        }),
      );
    },
  };
}
