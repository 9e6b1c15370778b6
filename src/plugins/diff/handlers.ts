/**
 * The diff plugin's handler: thin — take the validated query, ask the service, answer JSON.
 */
import type { RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import { diffRunsRoute } from "./routes.js";
import type { DiffService } from "./service.js";

/** Registers `GET /runs/diff` with its handler. */
export function registerDiffRoutes(r: RouteRegistrar, service: DiffService): void {
  r.openapi(diffRunsRoute, async (c) => {
    const { a, b } = c.req.valid("query");
    return c.json(await service.diff(a, b), 200);
  });
}
