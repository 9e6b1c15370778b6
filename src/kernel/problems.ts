/**
 * Turning every failure into an RFC 9457 problem+json response.
 *
 * One validation hook (the `defaultHook` of the app) converts zod failures into a 400
 * with field-level `errors[]`; `handleError` maps thrown errors — ProblemError, Hono's
 * HTTPException (malformed JSON, 415), canonical-JSON and timestamp errors, a full
 * storage (ENOSPC, SQLITE_FULL, PostgreSQL's disk_full → 507), a database that refuses
 * writes (PostgreSQL's read_only_sql_transaction → 503 with Retry-After) — to their status, and anything unexpected to a 500 that reveals nothing internal but is
 * logged with the request id.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { CanonicalJsonError } from "../contracts/jcs.js";
import { encodeSegment } from "../contracts/json_pointer.js";
import type { FieldError, Problem } from "../contracts/problem.js";
import { ProblemError } from "../contracts/problem.js";
import { TimestampError } from "../contracts/time.js";
import { PROBLEM_MEDIA_TYPE } from "../contracts/http.js";
import { isStorageFull } from "./fs/storage_full.js";
import { isDatabaseReadOnly, READ_ONLY_RETRY_AFTER_SECONDS } from "./db/database_read_only.js";
import type { KernelEnv } from "./plugin_api/routes.js";

const LOCATIONS: Record<string, FieldError["location"]> = {
  json: "body",
  query: "query",
  param: "path",
  header: "header",
};

/** The field errors of a zod failure; paths become JSON Pointers. */
export function fieldErrors(error: ZodError, target: string): FieldError[] {
  const location = LOCATIONS[target] ?? "body";
  return error.issues.map((issue) => {
    const segments = issue.path.map((p) => encodeSegment(String(p)));
    let message = issue.message;
    if (issue.code === "invalid_type" && /received undefined/.test(message)) message = "is required";
    else if (issue.code === "invalid_type" && /received null/.test(message)) message = "must not be null";
    else if (issue.code === "unrecognized_keys") message = `unknown field(s): ${issue.keys.join(", ")}`;
    return {
      location,
      pointer: location === "body" ? `/${segments.join("/")}`.replace(/^\/$/, "") || "/" : segments.join("."),
      message,
      code: issue.code,
    };
  });
}

/** A problem+json response; adds `instance` and `request_id`. */
export function problemResponse(
  c: Context<KernelEnv>,
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const body: Problem = { ...problem, instance: c.req.path, request_id: c.get("requestId") };
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers: { "content-type": PROBLEM_MEDIA_TYPE, ...headers },
  });
}

/** The app's defaultHook: a zod failure on any request part becomes a 400 with errors[]. */
export function validationHook(
  result: { success: boolean; error?: ZodError; target: string },
  c: Context<KernelEnv>,
): Response | undefined {
  if (result.success || !result.error) return undefined;
  const errors = fieldErrors(result.error, result.target);
  const where = errors.map((e) => `${e.pointer || e.location}: ${e.message}`).join("; ");
  return problemResponse(
    c,
    new ProblemError(400, `the request does not validate: ${where}`, {
      slug: "validation",
      title: "Validation failed",
      errors,
    }).toProblem(),
  );
}

/** Maps any thrown error to a problem response (the app's onError). */
export function handleError(error: unknown, c: Context<KernelEnv>): Response {
  if (error instanceof ProblemError) {
    return problemResponse(c, error.toProblem(), error.options.headers);
  }
  if (error instanceof CanonicalJsonError) {
    return problemResponse(
      c,
      new ProblemError(400, `the JSON value cannot be canonicalized: ${error.message}`, {
        slug: "not-canonicalizable",
      }).toProblem(),
    );
  }
  if (error instanceof TimestampError) {
    return problemResponse(c, new ProblemError(400, error.message, { slug: "timestamp" }).toProblem());
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 400 && /JSON/i.test(error.message)) {
      return problemResponse(
        c,
        new ProblemError(400, "the request body is not valid JSON", { slug: "malformed-json" }).toProblem(),
      );
    }
    const detail = status === 415 ? "send the body as application/json" : error.message || "request refused";
    return problemResponse(c, new ProblemError(status, detail).toProblem());
  }
  if (isStorageFull(error)) {
    c.get("logger")?.error({ err: error }, "storage full: nothing stored");
    return problemResponse(
      c,
      new ProblemError(507, "the storage is full: nothing was stored; retry once space is freed", {
        slug: "insufficient-storage",
      }).toProblem(),
    );
  }
  if (isDatabaseReadOnly(error)) {
    c.get("logger")?.error({ err: error }, "the database refuses writes (read-only): nothing stored");
    const retryAfter = String(READ_ONLY_RETRY_AFTER_SECONDS);
    return problemResponse(
      c,
      new ProblemError(503, "the database is read-only now: nothing was stored; retry after Retry-After seconds", {
        slug: "database-read-only",
      }).toProblem(),
      { "Retry-After": retryAfter },
    );
  }
  c.get("logger")?.error({ err: error }, "unexpected error");
  return problemResponse(
    c,
    new ProblemError(500, "an unexpected error occurred; quote the request id when reporting it", {
      slug: "internal",
    }).toProblem(),
  );
}
