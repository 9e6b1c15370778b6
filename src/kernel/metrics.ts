/**
 * Prometheus metrics of the kernel: a request-duration histogram labelled by method,
 * route pattern and status, and a counter of error answers. Each kernel owns its
 * registry (never prom-client's global one), so that tests and several kernels in one
 * process do not mix their numbers. Plugins add their own metrics to the same registry.
 * Refused credentials (401) and missing roles (403) are counted by route pattern too —
 * never by anything the client sent, so no credential can reach a label.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface HttpMetrics {
  readonly registry: Registry;
  readonly duration: Histogram<"method" | "route" | "status">;
  readonly errors: Counter<"method" | "route" | "status">;
  /** 401 and 403 answers, by method, route pattern and status. */
  readonly authRefusals: Counter<"method" | "route" | "status">;
}

/** A registry with the HTTP metrics (and the process defaults when `withDefaults`). */
export function createMetrics(withDefaults: boolean): HttpMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: "http_errors_total",
    help: "HTTP answers with a 4xx or 5xx status, by route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const authRefusals = new Counter({
    name: "http_auth_refusals_total",
    help: "Requests refused by authentication (401) or authorization (403), by route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  return { registry, duration, errors, authRefusals };
}
