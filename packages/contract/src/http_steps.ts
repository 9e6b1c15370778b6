/**
 * The request steps the checks share: send JSON, expect a problem+json refusal with
 * its required members, create a run and read its bytes — each writing its own line
 * of evidence (method, path, status, ids), so that a report shows what was asked and
 * what was answered.
 */
import assert from "node:assert/strict";
import type { CheckContext } from "./check.js";
import { makeCreateBody } from "../../../src/contracts/testing/create_body.js";

/** The API's base path. */
export const API = "/api/rmos";

/** POST `body` (a string is sent as is) as JSON to `path` under the API base. */
export function post(
  ctx: CheckContext,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return ctx.target.fetch(`${API}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** GET `path` under the API base. */
export function get(ctx: CheckContext, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return ctx.target.fetch(`${API}${path}`, { headers });
}

/** Asserts a problem+json answer with one of `status`; returns the problem document. */
export async function expectProblem(
  ctx: CheckContext,
  res: Response,
  status: number | readonly number[],
  what: string,
): Promise<Record<string, unknown>> {
  const allowed = typeof status === "number" ? [status] : status;
  const text = await res.text();
  assert.ok(
    allowed.includes(res.status),
    `${what}: status ${res.status}, expected ${allowed.join("/")} (${text.slice(0, 200)})`,
  );
  const type = res.headers.get("content-type") ?? "";
  assert.match(type, /^application\/problem\+json(;|$)/, `${what}: problem+json, got "${type}"`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    assert.fail(`${what}: the problem body is not JSON`);
  }
  for (const k of ["type", "title", "status", "detail"]) assert.ok(k in body, `${what}: problem has ${k}`);
  ctx.note(`${what} → ${res.status} problem+json`);
  return body;
}

/** The field pointers a problem's `errors[]` names. */
export function pointersOf(problem: Record<string, unknown>): string[] {
  const errors = problem.errors;
  return Array.isArray(errors) ? errors.map((e) => String((e as { pointer?: unknown }).pointer)) : [];
}

/** A run created by the contract: the answer, its exact bytes and the artifact. */
export interface CreatedRun {
  readonly res: Response;
  readonly bytes: Buffer;
  readonly artifact: Record<string, any>;
  readonly body: Record<string, unknown>;
}

/** Creates a run from {@link makeCreateBody}(`overrides`); asserts 201. */
export async function createRun(
  ctx: CheckContext,
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<CreatedRun> {
  const body = makeCreateBody(overrides);
  const res = await post(ctx, "/runs", body, headers);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 201, `create a run: status ${res.status} ${bytes.toString("utf8").slice(0, 300)}`);
  const artifact = JSON.parse(bytes.toString("utf8")) as Record<string, any>;
  ctx.note(`POST ${API}/runs → 201 ${artifact.run_id}`);
  return { res, bytes, artifact, body };
}
