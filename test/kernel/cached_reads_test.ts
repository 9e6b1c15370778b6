/**
 * The kernel's answer of cached reads (src/kernel/http/cached_reads.ts) over a probe
 * plugin whose route handler cannot answer a cached name (it answers 500): a cached
 * name then answers 200 only if the kernel took the cached read, so the tests prove the
 * path was taken, and that every refusal (credential, role, validation) still comes
 * from the framework, before the handler. Also: a route that cannot be answered exactly
 * is refused at start, naming it; the rate limit takes one token per request whichever
 * path answers it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../src/kernel/config.js";
import { createKernel } from "../../src/kernel/kernel.js";
import { createLogger } from "../../src/kernel/logger.js";
import { operationRoles, ROLES_FOR } from "../../src/kernel/plugin_api/auth.js";
import { createRoute, z } from "../../src/kernel/plugin_api/openapi.js";
import { definePlugin, type Plugin } from "../../src/kernel/plugin_api/plugin.js";
import type { RouteConfig } from "@hono/zod-openapi";
import type { CachedRead } from "../../src/kernel/plugin_api/routes.js";
import { PluginLoadError } from "../../src/kernel/plugin_order.js";
import { type AuthKernel, startAuthServer } from "../../src/testing/auth_kernel.js";
import { comparable, rawHeader, rawRequest } from "../../src/testing/raw_http.js";
import { startTestServer } from "../../src/testing/test_kernel.js";

const BODY = Buffer.from('{"probe":"cached"}');

/** GET /probe/{name}: `roles` may call it; names of 1–10 letters. */
function probeRoute(roles: "read" | "admin", extra: Partial<RouteConfig> = {}) {
  return createRoute({
    method: "get",
    path: "/probe/{name}",
    operationId: "getProbe",
    ...operationRoles(ROLES_FOR[roles]),
    tags: ["probe"],
    request: {
      params: z.object({ name: z.string().regex(/^[a-z]{1,10}$/) }),
      headers: z.object({ "x-probe": z.string().optional() }),
    },
    responses: { 200: { description: "the probe" } },
    ...extra,
  } as RouteConfig);
}

/** The cached read: "hit" is cached, anything else is not. */
const cachedProbe: CachedRead = ({ name }) =>
  name === "hit" ? { headers: { "content-type": "application/json", etag: '"p1"' }, body: BODY } : undefined;

/** A plugin whose handler answers 500 `handler-reached`: a 200 can only come from the cached read. */
function probePlugin(route: RouteConfig, read: CachedRead = cachedProbe): Plugin {
  return definePlugin({
    name: "probe",
    init: () => ({
      routes: (r) =>
        r.openapi(route, (c) => c.json({ reached: "handler", name: c.req.param("name") }, 500) as never, {
          cachedRead: read,
        }),
    }),
  });
}

describe("cached reads: the kernel answers before the framework (auth on)", () => {
  let k: AuthKernel<Awaited<ReturnType<typeof startTestServer>>>;
  let url: string;
  before(async () => {
    k = await startAuthServer({ ops: ["admin"], viewer: ["auditor"] }, { plugins: [probePlugin(probeRoute("admin"))] });
    url = `${k.t.baseUrl}/probe`;
  });
  after(() => k.close());

  const bearer = (name: string) => ({ authorization: `Bearer ${k.tokens[name]}` });
  const served = () => k.t.kernel.cachedReads?.served ?? -1;

  test("a cached name with the role: 200 from the cached read, the handler never reached", async () => {
    const before = served();
    const res = await rawRequest(`${url}/hit`, { headers: { ...bearer("ops"), "x-request-id": "probe-1" } });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), BODY.toString());
    assert.equal(rawHeader(res, "x-request-id"), "probe-1");
    assert.equal(rawHeader(res, "content-length"), String(BODY.length));
    assert.equal(rawHeader(res, "etag"), '"p1"');
    assert.equal(rawHeader(res, "connection"), "keep-alive");
    assert.equal(served(), before + 1);
  });

  test("refusals come from the framework (before the handler); misses and unusual requests reach the handler", async () => {
    const cases: Array<[string, Parameters<typeof rawRequest>[1], number]> = [
      ["hit", {}, 401],
      ["hit", { headers: { authorization: "Basic abc" } }, 401],
      ["hit", { headers: bearer("viewer") }, 403],
      ["HIT", { headers: bearer("ops") }, 400],
      ["miss", { headers: bearer("ops") }, 500],
      ["hit?q=1", { headers: bearer("ops") }, 500],
      ["hit", { headers: { ...bearer("ops"), "x-probe": "1" } }, 500],
      ["hit", { method: "HEAD", headers: bearer("ops") }, 500],
      ["hit", { method: "GET", headers: { ...bearer("ops"), "content-length": "1" }, body: "x" }, 500],
      ["%68it", { headers: bearer("ops") }, 500],
    ];
    for (const [name, request, status] of cases) {
      const before = served();
      const res = await rawRequest(`${url}/${name}`, request);
      assert.equal(res.status, status, `${name} ${JSON.stringify(request)}: ${res.body}`);
      assert.equal(served(), before, `${name} ${JSON.stringify(request)} was not answered from the cache`);
    }
  });

  test("turned off, the same request reaches the handler", async () => {
    const { listen } = await import("../../src/kernel/server.js");
    const plain = await listen(k.t.kernel, { cachedReads: false });
    try {
      const res = await rawRequest(`${plain.url}/api/rmos/probe/hit`, { headers: bearer("ops") });
      assert.equal(res.status, 500);
      assert.match(comparable(res), /"reached":"handler"/);
    } finally {
      plain.server.closeAllConnections();
      await new Promise((resolve) => plain.server.close(resolve));
    }
  });
});

describe("cached reads: the rate limit takes one token per request, whichever path answers", () => {
  test("a burst of 4: hits and misses alternate, every one counted once", async () => {
    const t = await startTestServer({
      plugins: [probePlugin(probeRoute("read"), (p) => (p.name === "hit" ? cachedProbe(p) : undefined))],
      env: { RMOS_RATE_LIMIT_PER_SECOND: "1", RMOS_RATE_LIMIT_BURST: "4" },
    });
    try {
      const started = performance.now();
      const statuses: number[] = [];
      for (const name of ["hit", "miss", "hit", "miss", "hit", "hit", "miss"]) {
        statuses.push((await rawRequest(`${t.baseUrl}/probe/${name}`)).status);
      }
      const elapsed = (performance.now() - started) / 1000;
      const answered = statuses.filter((s) => s !== 429).length;
      // Four tokens, plus one a second: never fewer (no request counted twice), never more (none counted zero times).
      assert.deepEqual(statuses.slice(0, 4), [200, 500, 200, 500], `statuses ${statuses}`);
      assert.ok(answered <= 4 + Math.floor(elapsed), `statuses ${statuses} in ${elapsed} s`);
      assert.ok(statuses.includes(429) || elapsed >= 1, `statuses ${statuses}`);
      const refused = await rawRequest(`${t.baseUrl}/probe/hit`);
      if (refused.status === 429) assert.ok(rawHeader(refused, "retry-after"));
    } finally {
      await t.close();
    }
  });
});

describe("cached reads: a cached read that throws", () => {
  test("the framework answers the request, as if there were no cached read", async () => {
    const t = await startTestServer({
      plugins: [
        probePlugin(probeRoute("read"), () => {
          throw new Error("cache broken");
        }),
      ],
    });
    try {
      const res = await rawRequest(`${t.baseUrl}/probe/hit`);
      assert.equal(res.status, 500);
      assert.match(res.body.toString(), /"reached":"handler"/);
      assert.equal(t.kernel.cachedReads?.served, 0);
    } finally {
      await t.close();
    }
  });
});

describe("cached reads: routes the kernel cannot answer exactly are refused at start", () => {
  const build = (route: RouteConfig) =>
    createKernel({
      config: loadConfig({ LOG_LEVEL: "silent", PORT: "0" }),
      plugins: [probePlugin(route)],
      logger: createLogger("silent", 2),
    });

  test("not a GET, a query, a required header, own middleware", () => {
    const refusals: Array<[Partial<RouteConfig>, RegExp]> = [
      [{ method: "post" }, /not a GET/],
      [
        {
          request: {
            params: z.object({ name: z.string() }),
            query: z.object({ q: z.string().optional() }),
          },
        },
        /a body, a query or cookies/,
      ],
      [
        { request: { params: z.object({ name: z.string() }), headers: z.object({ "x-probe": z.string() }) } },
        /optional headers/,
      ],
      [{ middleware: [async (_c, next) => next()] }, /middleware of its own/],
      [{ request: {} }, /no path parameters/],
    ];
    for (const [extra, message] of refusals) {
      assert.throws(
        () => build(probeRoute("read", extra)),
        (error: unknown) =>
          error instanceof PluginLoadError && /operation getProbe/.test(error.message) && message.test(error.message),
        String(message),
      );
    }
  });

  test("turned off by the kernel option: no cached reads", () => {
    const kernel = createKernel({
      config: loadConfig({ LOG_LEVEL: "silent", PORT: "0" }),
      plugins: [probePlugin(probeRoute("read"))],
      logger: createLogger("silent", 2),
      cachedReads: false,
    });
    assert.equal(kernel.cachedReads, undefined);
    assert.ok(build(probeRoute("read")).cachedReads, "on by default");
  });
});
