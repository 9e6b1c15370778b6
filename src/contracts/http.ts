/**
 * Helpers for declaring routes: the problem+json responses every route lists, and
 * JSON content entries. Plugins use them in their `routes.ts` so that every operation
 * in openapi.json declares all its status codes with the Problem schema.
 */
import type { z } from "@hono/zod-openapi";
import { ProblemSchema, statusTitle } from "./problem.js";

const PROBLEM_MEDIA_TYPE = "application/problem+json";

const WHY: Record<number, string> = {
  400: "Malformed request: invalid JSON, a field or parameter that fails validation.",
  401: "No credential, or one that is malformed, unknown, expired or revoked (RMOS_AUTH=on); WWW-Authenticate: Bearer says which.",
  403: "The credential is valid but holds none of the operation's roles (x-rmos-roles), or a review rule refuses it.",
  404: "No such resource.",
  405: "The method is not allowed on this resource.",
  409: "Conflict with the current state.",
  410: "Gone.",
  412: "The If-Match version is stale.",
  413: "The body is larger than the configured limit.",
  415: "The Content-Type is not accepted.",
  416: "The requested range cannot be satisfied.",
  422: "The request is well formed but cannot be processed (e.g. a hash mismatch).",
  428: "The request must be conditional (If-Match).",
  429: "Too many requests from this client: wait for Retry-After seconds (see docs/operations.md, Limits).",
  500: "Unexpected server error (logged with the request id).",
  502: "An upstream provider failed.",
  503: "Not ready, stopping, too many costly operations at once, or the database is read-only: retry after Retry-After seconds.",
  504: "An upstream provider timed out.",
  507: "The storage is full: nothing was stored; retry once space is freed.",
};

/** OpenAPI response entries with the Problem schema for each status code. */
export function problemResponses(...codes: number[]) {
  const out: Record<number, { description: string; content: Record<string, { schema: typeof ProblemSchema }> }> = {};
  for (const code of codes) {
    out[code] = {
      description: WHY[code] ?? statusTitle(code),
      content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } },
    };
  }
  return out;
}

/** An OpenAPI JSON content entry. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export { PROBLEM_MEDIA_TYPE };
