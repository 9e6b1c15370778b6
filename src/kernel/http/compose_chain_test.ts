/**
 * A chained route middleware behaves as the same middleware mounted one by one: the
 * same order around the handler, an answer without `next` ends the chain, an error
 * anywhere reaches the app's error handler, and calling `next` twice is refused.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { chainMiddleware } from "./compose_chain.js";

function apps(middleware: MiddlewareHandler[]): Hono[] {
  return [false, true].map((chained) => {
    const app = new Hono();
    const onError = (error: Error, c: Context) => c.text(`error: ${error.message}`, 500);
    const list = chained ? [chainMiddleware(middleware, onError)] : middleware;
    app.get("/p/:id", ...(list as [MiddlewareHandler]), (c) => c.text(`handler ${c.req.param("id")}`));
    app.onError(onError);
    return app;
  });
}

async function both(middleware: MiddlewareHandler[], path = "/p/7"): Promise<[string, string]> {
  const results = await Promise.all(
    apps(middleware).map(async (app) => {
      const res = await app.request(path);
      return `${res.status} ${res.headers.get("x-trail") ?? ""} ${await res.text()}`;
    }),
  );
  return results as [string, string];
}

describe("chainMiddleware", () => {
  const trail: MiddlewareHandler = async (c, next) => {
    await next();
    c.res.headers.append("x-trail", "a");
  };
  const mark =
    (name: string): MiddlewareHandler =>
    async (c, next) => {
      await next();
      c.res.headers.append("x-trail", name);
    };
  test("the same order around the handler, params included", async () => {
    const [one, chained] = await both([trail, mark("b"), mark("c")]);
    assert.equal(chained, one);
    assert.match(one, /^200 c, b, a handler 7$/);
  });
  test("an answer without next ends the chain", async () => {
    const stop: MiddlewareHandler = async (c) => c.text("stopped", 403);
    const [one, chained] = await both([trail, stop, mark("never")]);
    assert.equal(chained, one);
    assert.match(one, /^403 .*stopped$/);
  });
  test("an error, before or after next, reaches the error handler", async () => {
    const before: MiddlewareHandler = async () => {
      throw new Error("before");
    };
    const after: MiddlewareHandler = async (_c, next) => {
      await next();
      throw new Error("after");
    };
    const sync: MiddlewareHandler = () => {
      throw new Error("sync");
    };
    for (const failing of [before, after, sync]) {
      const [one, chained] = await both([mark("x"), failing]);
      assert.equal(chained, one);
      assert.match(one, /^500 .*error: /);
    }
  });
  test("next called twice is refused", async () => {
    const twice: MiddlewareHandler = async (_c, next) => {
      await next();
      await next();
    };
    const [one, chained] = await both([mark("x"), twice]);
    assert.equal(chained, one);
    assert.match(one, /next\(\) called multiple times/);
  });
});
