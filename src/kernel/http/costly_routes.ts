/**
 * The operations that cost far more than a read or a create — each reads many files,
 * hashes many bytes or calls a provider — and so run under the concurrency cap
 * (concurrency_gate.ts). Kept as one table by operationId so that plugins' route
 * declarations stay as they are; a route may also mark itself with the OpenAPI
 * extension `x-rmos-costly: true`.
 */
import type { RouteConfig } from "@hono/zod-openapi";

/** operationIds of costly operations. */
export const COSTLY_OPERATIONS: ReadonlySet<string> = new Set([
  "verifyRun",
  "verifyRunAttachments",
  "diffRuns",
  "migrateSchemas",
  "suggestAndAttach",
]);

/** Whether `route` is costly: listed above, or marked `x-rmos-costly: true`. */
export function isCostly(route: RouteConfig): boolean {
  const marked = (route as RouteConfig & { "x-rmos-costly"?: unknown })["x-rmos-costly"] === true;
  return marked || (route.operationId !== undefined && COSTLY_OPERATIONS.has(route.operationId));
}
