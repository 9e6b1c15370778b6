/**
 * Turning error answers into RmosProblem: a problem+json body keeps every field and
 * its extension members; anything else (HTML from a proxy, broken JSON, a JSON array)
 * still gives a usable problem from the status line and the body's start.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { problemFromResponse, RmosProblem } from "./problem.js";

test("a problem+json answer keeps type, title, status, detail, errors, instance, extensions and the request id", async () => {
  const doc = {
    type: "https://rmos.dev/problems/validation",
    title: "Validation failed",
    status: 400,
    detail: "1 field",
    instance: "/api/rmos/runs",
    errors: [{ location: "body", pointer: "/decision/risk_level", message: "Required", code: "invalid_type" }],
    request_id: "r-1",
  };
  const p = await problemFromResponse(
    new Response(JSON.stringify(doc), {
      status: 400,
      headers: { "content-type": "application/problem+json", "x-request-id": "r-1" },
    }),
  );
  assert.ok(p instanceof RmosProblem && p instanceof Error);
  assert.equal(p.type, doc.type);
  assert.equal(p.title, doc.title);
  assert.equal(p.status, 400);
  assert.equal(p.detail, "1 field");
  assert.equal(p.instance, "/api/rmos/runs");
  assert.equal(p.errors[0]?.pointer, "/decision/risk_level");
  assert.equal(p.requestId, "r-1");
  assert.equal(p.body.request_id, "r-1");
  assert.equal(p.message, "400 Validation failed: 1 field");
});

test("a non-JSON answer becomes a problem from the status line and the body's start", async () => {
  const p = await problemFromResponse(
    new Response(`<html>${"bad gateway ".repeat(100)}</html>`, {
      status: 502,
      statusText: "Bad Gateway",
      headers: { "content-type": "text/html" },
    }),
  );
  assert.equal(p.status, 502);
  assert.equal(p.title, "Bad Gateway");
  assert.equal(p.type, "about:blank");
  assert.ok(p.detail.startsWith("<html>bad gateway") && p.detail.length === 500);
  assert.deepEqual(p.errors, []);
});

test("broken JSON, a JSON array, an empty body and fields of the wrong type fall back to the status line", async () => {
  for (const [text, type] of [
    ["{not json", "application/json"],
    ["[1,2]", "application/problem+json"],
    ["", "application/json"],
  ] as const) {
    const p = await problemFromResponse(new Response(text, { status: 500, headers: { "content-type": type } }));
    assert.equal(p.status, 500);
    assert.equal(p.type, "about:blank");
    assert.ok(p.detail.length > 0, `${text}: a detail`);
  }
  const odd = await problemFromResponse(
    new Response(JSON.stringify({ type: 7, title: null, status: "x", errors: "no" }), {
      status: 409,
      headers: { "content-type": "application/problem+json" },
    }),
  );
  assert.equal(odd.status, 409);
  assert.equal(odd.type, "about:blank");
  assert.equal(odd.title, "HTTP 409");
  assert.deepEqual(odd.errors, []);
});
