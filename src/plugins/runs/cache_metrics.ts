/**
 * Gauges of the runs plugin's cache of stored runs: the bytes and the runs it holds
 * (`rmos_run_cache_bytes`, `rmos_run_cache_runs`). The bytes stay at or under
 * RMOS_CACHE_BYTES; an operator sizing memory, or a soak judging whether memory is flat,
 * reads here whether the cache is still filling.
 */
import { Gauge, type Registry } from "prom-client";
import type { StoredRunCache } from "./stored_run_cache.js";

/** Registers the cache gauges on `registry`, read from `cache()` at each scrape. */
export function registerCacheMetrics(registry: Registry, cache: () => StoredRunCache): void {
  new Gauge({
    name: "rmos_run_cache_bytes",
    help: "Bytes of stored runs held in this process's cache (bounded by RMOS_CACHE_BYTES)",
    registers: [registry],
    collect() {
      this.set(cache().bytes);
    },
  });
  new Gauge({
    name: "rmos_run_cache_runs",
    help: "Stored runs held in this process's cache",
    registers: [registry],
    collect() {
      this.set(cache().entries);
    },
  });
}
