/**
 * Reading a request header from Node's raw headers answers what `Headers.get` answers
 * (case-insensitive names, repeated fields joined, HTTP whitespace trimmed), and over a
 * real Node server the kernel sees the same request id either way.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import fc from "fast-check";
import { Hono } from "hono";
import { getRequestListener } from "@hono/node-server";
import { rawHeaderValue, requestHeader } from "./node_bindings.js";

describe("rawHeaderValue", () => {
  test("matches the name case-insensitively, joins repeated fields, trims HTTP whitespace", () => {
    const raw = ["Host", "x", "X-Request-Id", " a1 ", "x-request-id", "b2\t", "Accept", "*/*"];
    assert.equal(rawHeaderValue(raw, "x-request-id"), "a1, b2");
    assert.equal(rawHeaderValue(raw, "accept"), "*/*");
    assert.equal(rawHeaderValue(raw, "authorization"), undefined);
    assert.equal(rawHeaderValue(raw, "x-request-i"), undefined);
  });

  test("answers what Headers.get answers, for any list of fields", () => {
    const name = fc.constantFrom("X-Request-Id", "x-request-id", "Authorization", "If-None-Match", "accept", "AcCePt");
    const value = fc.stringMatching(/^[ \t]{0,2}[!-~]{0,12}([ \t][!-~]{1,5})?[ \t]{0,2}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (fields) => {
        const headers = new Headers(fields);
        const raw = fields.flat();
        for (const lower of ["x-request-id", "authorization", "if-none-match", "accept"]) {
          assert.equal(rawHeaderValue(raw, lower), headers.get(lower) ?? undefined, JSON.stringify(fields));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("requestHeader", () => {
  test("served by Node it reads the raw headers; in process it asks c.req.header — same answers", async () => {
    const app = new Hono();
    app.get("/h", (c) =>
      c.json({ id: requestHeader(c, "x-request-id") ?? null, inm: requestHeader(c, "if-none-match") ?? null }),
    );
    const inProcess = await (
      await app.request("/h", {
        headers: [
          ["X-Request-Id", "r-1"],
          ["If-None-Match", '"a"'],
          ["if-none-match", '"b"'],
        ],
      })
    ).json();
    const server = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const overHttp = await (
        await fetch(`http://127.0.0.1:${port}/h`, {
          headers: [
            ["X-Request-Id", "r-1"],
            ["If-None-Match", '"a"'],
            ["if-none-match", '"b"'],
          ],
        })
      ).json();
      assert.deepEqual(inProcess, { id: "r-1", inm: '"a", "b"' });
      assert.deepEqual(overHttp, inProcess);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
