/**
 * The route-declaring half of `@hono/zod-openapi` — `createRoute` and `z` — as the
 * service's own copy. A plugin in its own package imports them from here
 * (`rmos-runs/plugin-api/openapi.js`) rather than depending on zod itself: its schemas
 * are then made by the same zod the kernel renders into openapi.json and validates
 * requests with, whatever versions the plugin's own node_modules hold.
 */
export { createRoute, z } from "@hono/zod-openapi";
