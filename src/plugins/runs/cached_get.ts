/**
 * `GET /runs/{run_id}` answered from the cache of stored runs' bytes, before the HTTP
 * framework (the kernel's cached reads, plugin_api/routes.ts `CachedRead`): the cached
 * bytes with the headers the route's handler sends (`runAnswerHeaders`, shared by
 * both). It answers only what the handler would answer with those bytes: a run in the
 * current schema version, or any run when no upcaster is loaded (the handler answers a
 * run of an older version migrated on read); a run not cached is left to the handler.
 */
import { CURRENT_SCHEMA_VERSION } from "../../contracts/artifact.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { CachedRead } from "../../kernel/plugin_api/routes.js";
import type { StoredRunCache } from "./stored_run_cache.js";

/** The headers of a 200 answer of a run's bytes whose SHA-256 is `sha256`. */
export function runAnswerHeaders(sha256: string): Record<string, string> {
  return { "content-type": "application/json", etag: `"${sha256}"` };
}

/** The cached read of `GET /runs/{run_id}` over `cache` (the store's, read at each call). */
export function cachedGetRun(cache: () => StoredRunCache, upcaster: () => ArtifactUpcaster | undefined): CachedRead {
  return (params) => {
    const runId = params.run_id;
    if (runId === undefined) return undefined;
    const hit = cache().peek(runId);
    if (hit === undefined) return undefined;
    if (hit.schemaVersion !== CURRENT_SCHEMA_VERSION && upcaster() !== undefined) return undefined;
    return { headers: runAnswerHeaders(hit.sha256), body: hit.bytes };
  };
}
