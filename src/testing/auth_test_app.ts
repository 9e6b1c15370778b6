/**
 * Test support: a small Hono app shaped like the service — an API read, a write with a
 * strict JSON body, a review and an admin operation (the last two answering 404 for
 * an unknown id), `/metrics`, and the public endpoints — each route declaring its
 * roles where it is defined, behind a given authentication middleware and the
 * kernel's error handler; and a log sink that keeps every line.
 */
import { Writable } from "node:stream";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { pino } from "pino";
import type { createAuthMiddleware } from "../kernel/auth/auth_setup.js";
import {
  BEARER_SCHEME_NAME,
  bearerSecurityScheme,
  operationRoles,
  PUBLIC_OPERATION,
} from "../kernel/auth/openapi_security.js";
import type { Principal } from "../kernel/auth/principal.js";
import { requireRoles } from "../kernel/auth/require_roles.js";
import { ROLES_FOR, type Role } from "../kernel/auth/roles.js";
import type { Logger } from "../kernel/logger.js";
import { handleError } from "../kernel/problems.js";

export interface Env {
  Variables: { requestId: string; logger: Logger; principal: Principal };
}

/** The issuer and audience the test JWTs name. */
export const ISSUER = "https://idp.example.test/";
export const AUDIENCE = "rmos-runs";
/** The one id the test routes know. */
export const KNOWN = "run_known";

/** A log sink that keeps every line. */
export function logSink(): { logger: Logger; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _e, done) {
      text += String(chunk);
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), text: () => text };
}

/** The test app: a few routes of each kind, roles declared on each. */
export function buildApp(middleware: ReturnType<typeof createAuthMiddleware>, logger: Logger): OpenAPIHono<Env> {
  const app = new OpenAPIHono<Env>();
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME_NAME, bearerSecurityScheme);
  app.use("*", async (c, next) => {
    c.set("requestId", "req-1");
    c.set("logger", logger);
    await next();
  });
  app.use("*", middleware);
  const ok = z.object({ principal: z.string() });
  const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } }, description: "ok" });
  const route = <R extends Parameters<typeof createRoute>[0]>(r: R, roles: readonly Role[]) =>
    createRoute({ ...r, ...operationRoles(roles), middleware: [requireRoles(roles)] });
  const answer = (c: {
    get(k: "principal"): Principal;
    get(k: "logger"): Logger;
    json(v: unknown, s?: number): Response;
  }) => {
    c.get("logger").info("handled");
    return c.json({ principal: c.get("principal").id });
  };
  app.openapi(
    route(
      {
        method: "get",
        path: "/api/rmos/runs/{run_id}",
        operationId: "getRun",
        request: { params: z.object({ run_id: z.string() }) },
        responses: { 200: json(ok), 404: { description: "unknown" } },
      },
      ROLES_FOR.read,
    ),
    ((c: never) => {
      const ctx = c as unknown as Parameters<typeof answer>[0] & { req: { param(n: string): string } };
      if (ctx.req.param("run_id") !== KNOWN) return ctx.json({ type: "about:blank" }, 404);
      return answer(ctx);
    }) as never,
  );
  app.openapi(
    route(
      {
        method: "post",
        path: "/api/rmos/runs",
        operationId: "createRun",
        request: { body: { content: { "application/json": { schema: z.object({ tool_id: z.string() }).strict() } } } },
        responses: { 200: json(ok) },
      },
      ROLES_FOR.write,
    ),
    ((c: never) => answer(c)) as never,
  );
  app.openapi(
    route(
      {
        method: "post",
        path: "/api/rmos/advisories/{asset_id}/review",
        operationId: "reviewAdvisory",
        request: { params: z.object({ asset_id: z.string() }) },
        responses: { 200: json(ok), 404: { description: "unknown" } },
      },
      ROLES_FOR.review,
    ),
    ((c: never) => {
      const ctx = c as unknown as Parameters<typeof answer>[0] & { req: { param(n: string): string } };
      if (ctx.req.param("asset_id") !== KNOWN) return ctx.json({ type: "about:blank" }, 404);
      return answer(ctx);
    }) as never,
  );
  app.openapi(
    route(
      {
        method: "post",
        path: "/api/rmos/schemas/migrate",
        operationId: "migrateSchemas",
        responses: { 200: json(ok) },
      },
      ROLES_FOR.admin,
    ),
    ((c: never) => answer(c)) as never,
  );
  app.openapi(
    route({ method: "get", path: "/metrics", operationId: "metrics", responses: { 200: json(ok) } }, ROLES_FOR.read),
    ((c: never) => answer(c)) as never,
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      operationId: "healthz",
      ...PUBLIC_OPERATION,
      responses: { 200: { description: "alive" } },
    }),
    ((c: { json(v: unknown): Response }) => c.json({ ok: true })) as never,
  );
  app.get("/openapi.json", (c) =>
    c.json(app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } })),
  );
  app.get("/docs", (c) => c.html("<html></html>"));
  app.notFound((c) => c.json({ type: "about:blank", status: 404 }, 404));
  app.onError(handleError as never);
  return app;
}
