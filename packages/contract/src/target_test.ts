/** The HTTP target: the service root from a base URL, the bearer token on every request unless one is given. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { httpTarget, serviceRoot } from "./target.js";

test("serviceRoot takes the root, with or without /api/rmos, and refuses non-http URLs", () => {
  assert.equal(serviceRoot("http://h:1/"), "http://h:1");
  assert.equal(serviceRoot("https://h/prefix/api/rmos/"), "https://h/prefix");
  assert.throws(() => serviceRoot("ftp://h"), TypeError);
});

test("a request without an answer fails after the timeout instead of hanging", async () => {
  const never = (_url: string, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) =>
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
    );
  const target = httpTarget("http://h:1", { fetch: never, timeoutMs: 20 });
  const keepAlive = setTimeout(() => {}, 5000); // AbortSignal.timeout's timer does not hold the event loop; a socket would
  try {
    await assert.rejects(target.fetch("/healthz"), { name: "TimeoutError" });
  } finally {
    clearTimeout(keepAlive);
  }
});

test("the token is sent as a bearer credential; redirects are not followed", async () => {
  const seen: Array<{ url: string; auth: string | null; redirect: RequestInit["redirect"] }> = [];
  const fetch = async (url: string, init?: RequestInit) => {
    seen.push({ url, auth: new Headers(init?.headers).get("authorization"), redirect: init?.redirect });
    return new Response("{}");
  };
  const target = httpTarget("http://h:1/api/rmos", { token: "s3cret", fetch });
  assert.equal(target.name, "http://h:1");
  await target.fetch("/api/rmos/runs", { headers: { "x-a": "1" } });
  await target.fetch("/healthz", { headers: { authorization: "Bearer other" } });
  await httpTarget("http://h:1", { fetch }).fetch("/healthz");
  assert.deepEqual(seen, [
    { url: "http://h:1/api/rmos/runs", auth: "Bearer s3cret", redirect: "manual" },
    { url: "http://h:1/healthz", auth: "Bearer other", redirect: "manual" },
    { url: "http://h:1/healthz", auth: null, redirect: "manual" },
  ]);
});
