/** The base URL rules: the service root, with or without a trailing `/api/rmos`, http(s) only. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTransport, serviceRoot } from "./transport.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";

test("serviceRoot strips trailing slashes and a trailing /api/rmos, keeps a path prefix", () => {
  assert.equal(serviceRoot("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  assert.equal(serviceRoot("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  assert.equal(serviceRoot("https://x.example/api/rmos/"), "https://x.example");
  assert.equal(serviceRoot("https://x.example/rmos"), "https://x.example/rmos");
  assert.equal(serviceRoot("https://x.example/rmos/api/rmos"), "https://x.example/rmos");
  assert.throws(() => serviceRoot("ftp://x.example"), TypeError);
  assert.throws(() => serviceRoot("not a url"), TypeError);
});

test("url encodes the query and leaves out undefined values", () => {
  const t = createTransport({ baseUrl: "http://h", fetch: fetch, retry: DEFAULT_RETRY_POLICY });
  assert.equal(t.url("/runs", { a: "x y", b: undefined, c: 3, d: true }), "http://h/api/rmos/runs?a=x+y&c=3&d=true");
  assert.equal(t.url("/runs", { b: undefined }), "http://h/api/rmos/runs");
});
