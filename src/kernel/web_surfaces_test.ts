/**
 * The kernel's web-surface hook on a real kernel with small test plugins: the registry
 * the kernel binds to WEB_SURFACES reaches a plugin's `init`, a surface answers its
 * prefix and everything below it (any method) but nothing beside it, its dispatcher
 * reaches the API in process, the API's own routes and 404s are untouched, and a prefix
 * two plugins claim stops the build.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WEB_SURFACES } from "../contracts/ports/web_surfaces.js";
import { loadConfig } from "./config.js";
import { createKernel } from "./kernel.js";
import { createLogger } from "./logger.js";
import { definePlugin, type Plugin } from "./plugin_api/plugin.js";

const build = (plugins: Plugin[]) =>
  createKernel({ config: loadConfig({ LOG_LEVEL: "silent" }), plugins, logger: createLogger("silent", 2) });

const board = (name: string, prefix: string) =>
  definePlugin({
    name,
    consumes: { surfaces: WEB_SURFACES },
    init({ surfaces }) {
      surfaces.add({
        prefix,
        async fetch(request, api) {
          const live = await api(new Request("http://in-process/healthz"));
          const url = new URL(request.url);
          return new Response(`${name} ${request.method} ${url.pathname} api=${live.status}`);
        },
      });
      return {};
    },
  });

describe("web surfaces in the kernel", () => {
  test("a surface owns its prefix and below, for every method, and reaches the API in process", async () => {
    const kernel = build([board("board", "/board")]);
    for (const [method, p] of [
      ["GET", "/board"],
      ["GET", "/board/a/b"],
      ["POST", "/board/x"],
    ] as const) {
      const res = await kernel.app.request(p, { method });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), `board ${method} ${p} api=200`);
    }
    const beside = await kernel.app.request("/boardroom");
    assert.equal(beside.status, 404);
    assert.match(beside.headers.get("content-type") ?? "", /problem\+json/);
    assert.equal((await kernel.app.request("/healthz")).status, 200);
  });

  test("without a surface nothing is mounted outside the API", async () => {
    const kernel = build([]);
    assert.equal((await kernel.app.request("/ui/")).status, 404);
  });

  test("two plugins claiming one prefix stop the build, naming the plugin", () => {
    assert.throws(
      () => build([board("one", "/board"), board("two", "/board")]),
      /plugin "two".*\/board is already taken/,
    );
  });
});
