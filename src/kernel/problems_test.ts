/**
 * Unit tests of how `handleError` answers the database's refusals, on error objects
 * carrying PostgreSQL's SQLSTATE (a real full disk cannot be made for a test server
 * quickly, so 53100 is checked here on an error with that code): disk_full (53100) is
 * 507 `insufficient-storage`; read_only_sql_transaction (25006) is 503
 * `database-read-only` with `Retry-After`; out of memory (53200) is neither — a 500
 * that reveals nothing. Each answer is problem+json.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OpenAPIHono } from "@hono/zod-openapi";
import { PROBLEM_MEDIA_TYPE } from "../contracts/http.js";
import { handleError } from "./problems.js";

/** The answer of a route that throws an error with SQLSTATE `code` (as `pg` raises it). */
async function answerTo(code: string): Promise<Response> {
  const app = new OpenAPIHono();
  app.post("/x", () => {
    throw Object.assign(new Error(`database said ${code}`), { code, severity: "ERROR" });
  });
  app.onError(handleError as never);
  return app.request("/x", { method: "POST" });
}

test("53100 disk_full is 507 insufficient-storage", async () => {
  const res = await answerTo("53100");
  assert.equal(res.status, 507);
  assert.equal(res.headers.get("content-type"), PROBLEM_MEDIA_TYPE);
  const body = (await res.json()) as { type: string; detail: string };
  assert.match(body.type, /insufficient-storage$/);
  assert.match(body.detail, /nothing was stored/);
});

test("25006 read_only_sql_transaction is 503 database-read-only with Retry-After", async () => {
  const res = await answerTo("25006");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("content-type"), PROBLEM_MEDIA_TYPE);
  assert.match(res.headers.get("retry-after") ?? "", /^[1-9][0-9]*$/);
  const body = (await res.json()) as { type: string; detail: string };
  assert.match(body.type, /database-read-only$/);
  assert.match(body.detail, /nothing was stored/);
});

test("53200 out_of_memory is neither: a 500 that names nothing internal", async () => {
  const res = await answerTo("53200");
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("retry-after"), null);
  const text = await res.text();
  assert.equal(text.includes("53200"), false);
  assert.match(text, /internal/);
});
