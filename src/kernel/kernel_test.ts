/**
 * The kernel's HTTP behaviour with small test plugins: problem+json for every error
 * (404, 405, 400 malformed JSON, 415, 413, 500 without internals), request ids,
 * metrics, health and readiness, route ordering, and the refusals that name a plugin.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createRoute, z } from "@hono/zod-openapi";
import { jsonContent, problemResponses } from "../contracts/http.js";
import { ALL_PLUGINS } from "../plugins/index.js";
import { startTestKernel, type TestKernel } from "../testing/test_kernel.js";
import { createKernel } from "./kernel.js";
import { operationRoles, ROLES_FOR } from "./plugin_api/auth.js";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { token } from "../contracts/token.js";
import { bind, definePlugin, late, optional, type Plugin } from "./plugin_api/plugin.js";
import type { RouteRegistrar } from "./plugin_api/routes.js";

let lateRegistrar: RouteRegistrar | undefined;

const things: Plugin = definePlugin({
  name: "things",
  init: () => ({ routes: thingsRoutes }),
});

function thingsRoutes(r: RouteRegistrar): void {
  lateRegistrar = r;
  r.openapi(
    createRoute({
      method: "get",
      path: "/things/{id}",
      operationId: "getThing",
      ...operationRoles(ROLES_FOR.read),
      tags: ["things"],
      request: { params: z.object({ id: z.string().regex(/^t_\d+$/) }) },
      responses: { 200: jsonContent(z.object({ id: z.string() }), "a thing"), ...problemResponses(400) },
    }),
    (c) => c.json({ id: c.req.valid("param").id }, 200),
  );
  r.openapi(
    createRoute({
      method: "post",
      path: "/things",
      operationId: "createThing",
      ...operationRoles(ROLES_FOR.write),
      tags: ["things"],
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string() }).strict() } },
        },
      },
      responses: { 201: jsonContent(z.object({ name: z.string() }), "created"), ...problemResponses(400) },
    }),
    (c) => c.json(c.req.valid("json"), 201),
  );
  r.openapi(
    createRoute({
      method: "get",
      path: "/boom",
      operationId: "boom",
      ...operationRoles(ROLES_FOR.read),
      tags: ["things"],
      responses: { 200: { description: "never" } },
    }),
    () => {
      throw new Error("secret internal detail /etc/passwd");
    },
  );
}

const special: Plugin = definePlugin({
  name: "special",
  init: () => ({
    routes(r) {
      r.openapi(
        createRoute({
          method: "get",
          path: "/things/special",
          operationId: "getSpecialThing",
          ...operationRoles(ROLES_FOR.read),
          tags: ["special"],
          responses: { 200: jsonContent(z.object({ special: z.boolean() }), "special") },
        }),
        (c) => c.json({ special: true }, 200),
      );
    },
  }),
});

describe("kernel HTTP behaviour", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel({ plugins: [things, special], env: { RMOS_MAX_BODY_BYTES: "64" } });
  });
  after(() => t.close());

  const problem = async (res: Response, status: number) => {
    assert.equal(res.status, status);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    for (const k of ["type", "title", "status", "detail"]) assert.ok(k in body, `problem has ${k}`);
    assert.equal(body.status, status);
    return body;
  };

  test("unknown route → 404 problem", async () => {
    await problem(await t.request("/api/rmos/nothing"), 404);
  });
  test("wrong method → 405 problem with Allow", async () => {
    const res = await t.request("/api/rmos/things", { method: "DELETE" });
    assert.equal(res.headers.get("allow"), "POST");
    await problem(res, 405);
  });
  test("malformed JSON → 400 malformed-json", async () => {
    const body = await problem(
      await t.request("things", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
      400,
    );
    assert.equal(body.type, "urn:rmos:problem:malformed-json");
  });
  test("validation failure → 400 with field errors", async () => {
    const body = await problem(
      await t.request("things", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"name":1,"x":2}',
      }),
      400,
    );
    const errors = body.errors as Array<{ pointer: string }>;
    assert.ok(errors.some((e) => e.pointer === "/name"));
    assert.ok(errors.some((e) => /unknown field/.test(JSON.stringify(e))));
  });
  test("a non-JSON content type → 415", async () => {
    await problem(
      await t.request("things", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }),
      415,
    );
  });
  test("a body over the limit → 413 (by Content-Length)", async () => {
    const big = JSON.stringify({ name: "x".repeat(200) });
    await problem(
      await t.request("things", { method: "POST", headers: { "content-type": "application/json" }, body: big }),
      413,
    );
  });
  test("a streamed body over the limit → 413", async () => {
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(`{"name":"${"y".repeat(500)}"}`));
        c.close();
      },
    });
    const res = await t.request("things", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    await problem(res, 413);
  });
  test("an unexpected error → 500 without internals, with the request id", async () => {
    const res = await t.request("boom", { headers: { "x-request-id": "req-123" } });
    const body = await problem(res, 500);
    assert.equal(body.request_id, "req-123");
    assert.ok(!JSON.stringify(body).includes("passwd"));
  });
  test("X-Request-Id is echoed when sane, replaced when not", async () => {
    assert.equal(
      (await t.request("/healthz", { headers: { "x-request-id": "abc.DEF-1:2" } })).headers.get("x-request-id"),
      "abc.DEF-1:2",
    );
    const replaced = (await t.request("/healthz", { headers: { "x-request-id": "bad id\u0001" } })).headers.get(
      "x-request-id",
    );
    assert.ok(replaced && replaced !== "bad id\u0001" && /^[0-9a-f-]{36}$/.test(replaced));
  });
  test("405 lists the methods of the most specific matching route", async () => {
    const res = await t.request("things/special", { method: "POST" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET");
  });
  test("a static segment wins over a parameter, whatever the plugin order", async () => {
    assert.deepEqual(await (await t.request("things/special")).json(), { special: true });
    assert.deepEqual(await (await t.request("things/t_1")).json(), { id: "t_1" });
  });
  test("/healthz, /readyz, /metrics, /openapi.json, /docs", async () => {
    assert.deepEqual(await (await t.request("/healthz")).json(), { ok: true });
    const ready = (await (await t.request("/readyz")).json()) as { ok: boolean; checks: Array<{ name: string }> };
    assert.equal(ready.ok, true);
    assert.deepEqual(
      ready.checks.map((c) => c.name),
      ["storage", "database", "migrations", "storage-space"],
    );
    const metrics = await (await t.request("/metrics")).text();
    assert.match(metrics, /http_request_duration_seconds_bucket\{[^}]*route="\/api\/rmos\/things\/special"/);
    const doc = (await (await t.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths["/api/rmos/things/{id}"]);
    assert.match(await (await t.request("/docs")).text(), /getSpecialThing/);
  });
  test("every route in the document has an operationId, a tag and a 500 answer", async () => {
    const doc = (await (await t.request("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { operationId?: string; tags?: string[]; responses: Record<string, unknown> }>
      >;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.operationId, `${method} ${path} operationId`);
        assert.ok(op.tags?.length, `${method} ${path} tags`);
        assert.ok(op.responses["500"], `${method} ${path} declares 500`);
      }
    }
  });
  test("a route added after start is refused, naming the plugin", () => {
    assert.throws(
      () =>
        lateRegistrar?.openapi(
          createRoute({
            method: "get",
            path: "/late",
            operationId: "late",
            ...operationRoles(ROLES_FOR.read),
            tags: ["things"],
            responses: { 200: { description: "x" } },
          }),
          (c) => c.body(null, 200),
        ),
      /plugin "things" added route GET \/late after start/,
    );
  });
});

describe("kernel refusals at build time", () => {
  const build = (plugins: Plugin[]) =>
    createKernel({ config: loadConfig({ LOG_LEVEL: "silent" }), plugins, logger: createLogger("silent", 2) });
  test("a route without operationId names the plugin", () => {
    const bad = definePlugin({
      name: "bad",
      init: () => ({
        routes(r) {
          r.openapi(
            createRoute({ method: "get", path: "/x", tags: ["bad"], responses: { 200: { description: "x" } } }),
            (c) => c.body(null, 200),
          );
        },
      }),
    });
    assert.throws(() => build([bad]), /plugin "bad": route get \/x has no operationId/);
  });
  test("a duplicate operationId names both plugins", () => {
    const mk = (name: string): Plugin =>
      definePlugin({
        name,
        init: () => ({
          routes(r) {
            r.openapi(
              createRoute({
                method: "get",
                path: `/${name}`,
                operationId: "same",
                ...operationRoles(ROLES_FOR.read),
                tags: [name],
                responses: { 200: { description: "x" } },
              }),
              (c) => c.body(null, 200),
            );
          },
        }),
      });
    assert.throws(() => build([mk("one"), mk("two")]), /plugin "two": operationId same is already used by "one"/);
  });
  test("a route that declares no roles is refused, naming the plugin and operation", () => {
    const forgetful = (extra: Record<string, unknown>) =>
      definePlugin({
        name: "forgetful",
        init: () => ({
          routes(r) {
            r.openapi(
              createRoute({
                method: "post",
                path: "/open",
                operationId: "openDoor",
                tags: ["forgetful"],
                ...extra,
                responses: { 200: { description: "x" } },
              }),
              (c) => c.body(null, 200),
            );
          },
        }),
      });
    assert.throws(() => build([forgetful({})]), /plugin "forgetful": operation openDoor declares no roles/);
    assert.throws(
      () => build([forgetful({ "x-rmos-roles": [] })]),
      /plugin "forgetful": operation openDoor: x-rmos-roles must be a non-empty list of roles/,
    );
    assert.throws(
      () => build([forgetful({ "x-rmos-roles": ["root"] })]),
      /plugin "forgetful": operation openDoor: x-rmos-roles must be a non-empty list of roles/,
    );
    assert.throws(
      () => build([forgetful({ security: [], "x-rmos-roles": ["writer"] })]),
      /operation openDoor is marked public \(security: \[\]\): only the kernel's probes are public/,
    );
    assert.throws(() => build([forgetful({ security: [] })]), /is marked public/);
    // Declaring security without roles is not enough either: the roles are what is enforced.
    assert.throws(() => build([forgetful({ security: [{ bearerAuth: [] }] })]), /declares no roles/);
  });
  test("a plugin whose init throws is named", () => {
    const broken = definePlugin({
      name: "broken",
      init() {
        throw new Error("nope");
      },
    });
    assert.throws(() => build([broken]), /plugin "broken" failed to initialise: nope/);
  });
});

describe("the plugin shape: provides, consumes, init, start, close", () => {
  const NUMBER = token<{ n: number }>("test.Number");
  const LATER = token<string>("test.Later");
  const build = (plugins: Plugin[], env: Record<string, string> = {}) =>
    createKernel({ config: loadConfig({ LOG_LEVEL: "silent", ...env }), plugins, logger: createLogger("silent", 2) });

  test("init gets its resolved dependencies; start runs in load order, close in reverse", async () => {
    const events: string[] = [];
    const consumer = definePlugin({
      name: "consumer",
      consumes: { number: NUMBER, later: late(LATER), absent: optional(token<string>("test.Absent")) },
      init({ number, later, absent }) {
        events.push(`init consumer n=${number.n} absent=${String(absent)}`);
        assert.throws(() => later(), /read its late dependency test\.Later during init/);
        return {
          start: async () => {
            events.push(`start consumer later=${later()}`);
          },
          close: async () => {
            events.push("close consumer");
          },
        };
      },
    });
    const provider = definePlugin({
      name: "provider",
      provides: [NUMBER],
      init() {
        events.push("init provider");
        return {
          provide: [bind(NUMBER, { n: 7 })],
          start: async () => {
            events.push("start provider");
          },
          close: async () => {
            events.push("close provider");
          },
        };
      },
    });
    const lateOne = definePlugin({
      name: "late-one",
      provides: [LATER],
      consumes: { number: NUMBER },
      init: () => ({ provide: [bind(LATER, "here")] }),
    });
    const t = await startTestKernel({ plugins: [consumer, provider, lateOne] });
    try {
      assert.deepEqual(t.kernel.pluginNames, ["provider", "consumer", "late-one"]);
      assert.equal(t.kernel.resolve(NUMBER).n, 7);
    } finally {
      await t.close();
    }
    assert.deepEqual(events, [
      "init provider",
      "init consumer n=7 absent=undefined",
      "start provider",
      "start consumer later=here",
      "close consumer",
      "close provider",
    ]);
  });
  test("building a kernel runs init but no start (no I/O before start)", () => {
    let started = false;
    const kernel = build([
      definePlugin({
        name: "lazy",
        init: () => ({
          start: async () => {
            started = true;
          },
        }),
      }),
    ]);
    assert.deepEqual(kernel.pluginNames, ["lazy"]);
    assert.equal(started, false);
  });
  test("every real plugin's init does no I/O: building the kernel creates no data directory", () => {
    const dataDir = path.join(os.tmpdir(), `rmos-never-created-${process.pid}-${Date.now()}`);
    const kernel = createKernel({
      config: loadConfig({ LOG_LEVEL: "silent", RMOS_DATA_DIR: dataDir }),
      plugins: ALL_PLUGINS,
      logger: createLogger("silent", 2),
    });
    assert.ok(Object.keys((kernel.openApiDocument().paths as object) ?? {}).length > 10);
    assert.equal(fs.existsSync(dataDir), false);
  });
  test("a provided token not declared in provides, and a declared one not provided, are refused", () => {
    const undeclared = definePlugin({ name: "undeclared", init: () => ({ provide: [bind(NUMBER, { n: 1 })] }) });
    assert.throws(
      () => build([undeclared]),
      /plugin "undeclared" provides test\.Number in init but does not declare it/,
    );
    const unkept = definePlugin({ name: "unkept", provides: [NUMBER], init: () => ({}) });
    assert.throws(
      () => build([unkept]),
      /plugin "unkept" declares test\.Number in provides but init did not provide it/,
    );
  });
  test("RMOS_PLUGINS leaving out a provider is refused with both names", () => {
    const provider = definePlugin({
      name: "provider",
      provides: [NUMBER],
      init: () => ({ provide: [bind(NUMBER, { n: 1 })] }),
    });
    const consumer = definePlugin({ name: "consumer", consumes: { number: NUMBER }, init: () => ({}) });
    assert.throws(
      () => build([provider, consumer], { RMOS_PLUGINS: "consumer" }),
      /plugin "consumer" consumes test\.Number \("number"\), which only plugin "provider" provides, and RMOS_PLUGINS does not enable it/,
    );
  });
  test("resolve names a token no plugin provides", () => {
    assert.throws(() => build([]).resolve(NUMBER), /no loaded plugin provides test\.Number/);
  });
});
