/**
 * The JSON body limit answers what Hono's `bodyLimit` followed by `c.req.json()`
 * answers, over a real Node server: the same parse (BOM dropped, bad UTF-8 replaced),
 * the same SyntaxError for a body that is not JSON, the same 413 for a body over the
 * limit whether Content-Length says so or a chunked body passes it — and a request it
 * does not read (another media type) still goes through `bodyLimit`.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { getRequestListener } from "@hono/node-server";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { jsonBodyLimit } from "./json_body.js";

const LIMIT = 64;
const tooLarge = (): never => {
  throw new HTTPException(413, { message: "too large" });
};

function appWith(limit: MiddlewareHandler): Hono {
  const app = new Hono();
  app.post("/j", limit, async (c) => {
    try {
      return c.json({ ok: true, value: await c.req.json() });
    } catch (error) {
      return c.json({ ok: false, error: (error as Error).name });
    }
  });
  app.onError((error, c) => c.json({ status: error instanceof HTTPException ? error.status : 500 }, 413));
  return app;
}

async function serve(app: Hono): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Sends `body` (chunked when `chunked`), answers status and body text. */
function send(port: number, body: Buffer, contentType: string, chunked: boolean): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": contentType, connection: "close" };
    if (!chunked) headers["content-length"] = String(body.length);
    const req = httpRequest({ host: "127.0.0.1", port, path: "/j", method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        text += d;
      });
      res.on("end", () => resolve([res.statusCode ?? 0, text]));
    });
    req.on("error", reject);
    if (chunked) {
      req.write(body.subarray(0, 10));
      req.end(body.subarray(10));
    } else req.end(body);
  });
}

describe("jsonBodyLimit", () => {
  let ours: { port: number; close: () => Promise<void> };
  let hono: { port: number; close: () => Promise<void> };
  let fallbackCalls = 0;
  before(async () => {
    const fallback = bodyLimit({ maxSize: LIMIT, onError: tooLarge });
    const counted: MiddlewareHandler = (c, next) => {
      fallbackCalls++;
      return fallback(c, next);
    };
    ours = await serve(appWith(jsonBodyLimit(LIMIT, tooLarge, counted)));
    hono = await serve(appWith(bodyLimit({ maxSize: LIMIT, onError: tooLarge })));
  });
  after(async () => {
    await ours.close();
    await hono.close();
  });

  const bodies: Array<[string, Buffer]> = [
    ["valid", Buffer.from('{"a":[1,2,"é"]}')],
    ["with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"b":1}')])],
    ["bad UTF-8 in a string", Buffer.concat([Buffer.from('{"c":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
    ["not JSON", Buffer.from("{nope")],
    ["empty", Buffer.alloc(0)],
    ["over the limit", Buffer.from(JSON.stringify({ d: "x".repeat(LIMIT) }))],
  ];
  for (const [name, body] of bodies) {
    for (const chunked of [false, true]) {
      test(`${name}${chunked ? ", chunked" : ""}: the same answer`, async () => {
        const want = await send(hono.port, body, "application/json", chunked);
        const got = await send(ours.port, body, "application/json; charset=utf-8", chunked);
        assert.deepEqual(got, want);
      });
    }
  }

  test("another media type is left to bodyLimit", async () => {
    const before = fallbackCalls;
    await send(ours.port, Buffer.from("{}"), "text/plain", false);
    assert.equal(fallbackCalls, before + 1);
    const read = fallbackCalls;
    await send(ours.port, Buffer.from("{}"), "application/json", false);
    assert.equal(fallbackCalls, read, "an application/json body is read here, not by bodyLimit");
  });
});
