/**
 * The kernel's own routes: `/healthz` (alive), `/readyz` (storage writable and not
 * full, database reachable, migrations applied), `/metrics` (Prometheus text), `/openapi.json` and
 * `/docs` (a self-contained HTML reference of the API, so that it works offline —
 * workshops are not always online). `/healthz`, `/readyz`, `/openapi.json` and `/docs`
 * are public (they need no credential even with RMOS_AUTH=on); `/metrics` is a read
 * like any other, open to every role.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { jsonContent, problemResponses } from "../contracts/http.js";
import { operationRoles, PUBLIC_OPERATION } from "./auth/openapi_security.js";
import { requireRoles } from "./auth/require_roles.js";
import { ROLES_FOR } from "./auth/roles.js";
import { renderDocsPage } from "./docs_page.js";
import { storageSpaceCheck } from "./fs/storage_full.js";
import type { KernelApp } from "./plugin_api/routes.js";

export const ReadinessSchema = z
  .object({
    ok: z.boolean(),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
  })
  .openapi("Readiness");
export type Readiness = z.infer<typeof ReadinessSchema>;

interface ServiceDeps {
  readiness(): Promise<Readiness>;
  metricsText(): Promise<{ contentType: string; body: string }>;
  document(): Record<string, unknown>;
  /** The data directory and the free space below which /readyz reports the storage full. */
  storage?: { readonly dir: string; readonly minFreeBytes: number };
}

/** Mounts the service routes on `app`. */
export function mountServiceRoutes(app: KernelApp, deps: ServiceDeps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      ...PUBLIC_OPERATION,
      operationId: "getHealth",
      tags: ["service"],
      summary: "Liveness: the process answers",
      description: "Answers 200 as long as the process serves requests; it checks nothing else (see /readyz).",
      responses: {
        200: jsonContent(z.object({ ok: z.literal(true) }).openapi("Health"), "alive"),
        ...problemResponses(500),
      },
    }),
    (c) => c.json({ ok: true as const }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      ...PUBLIC_OPERATION,
      operationId: "getReadiness",
      tags: ["service"],
      summary: "Readiness: storage writable, database reachable, migrations applied",
      description:
        "Answers 200 when every check passes and 503 with the failing checks otherwise; a load balancer sends traffic only to a ready instance.",
      responses: {
        200: jsonContent(ReadinessSchema, "ready"),
        503: jsonContent(ReadinessSchema, "not ready; the failing checks say why"),
        ...problemResponses(500),
      },
    }),
    async (c) => {
      const base = await deps.readiness();
      const space = deps.storage ? await storageSpaceCheck(deps.storage.dir, deps.storage.minFreeBytes) : undefined;
      const r = space ? { ok: base.ok && space.ok, checks: [...base.checks, space] } : base;
      return r.ok ? c.json(r, 200) : c.json(r, 503);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/metrics",
      ...operationRoles(ROLES_FOR.read),
      middleware: [requireRoles(ROLES_FOR.read)] as const,
      operationId: "getMetrics",
      tags: ["service"],
      summary: "Prometheus metrics",
      description:
        "Prometheus text exposition: the request latency histogram per route, error counts, the counters each plugin adds (attachment uploads, advisories created, approved and rejected, …) and the process's own metrics.",
      responses: {
        200: { description: "Prometheus text exposition", content: { "text/plain": { schema: z.string() } } },
        ...problemResponses(401, 403, 500),
      },
    }),
    async (c) => {
      const m = await deps.metricsText();
      return c.body(m.body, 200, { "content-type": m.contentType }) as never;
    },
  );
  app.get("/openapi.json", (c) => c.json(deps.document()));
  app.get("/docs", (c) => c.html(renderDocsPage(deps.document())));
}
