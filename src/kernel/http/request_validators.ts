/**
 * Validation of a route's query, path parameters and headers, as @hono/zod-openapi
 * does it — the same zod schemas, the same order (query, then path, then headers),
 * the same hook turning a failure into the 400 problem, the same validated values for
 * `c.req.valid(…)` — at a fraction of its cost per request. The library's validators
 * read the Content-Type of every request whatever the target, parse with
 * `safeParseAsync` (a chain of promises even for a synchronous schema), and build a
 * record of every request header, through Web `Headers`, to validate one or two. Here
 * a synchronous schema is parsed synchronously (an asynchronous one falls back to
 * `safeParseAsync`), and for a header schema that drops unknown keys (a plain
 * `z.object`) only its own headers are read, from Node's raw headers when served by
 * Node (node_bindings.ts): the schema sees the same values either way. Bodies (JSON,
 * forms) stay with the library's validators, which run after these.
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { type ZodError, z } from "zod";
import { requestHeader } from "./node_bindings.js";

/** The validation targets handled here, in the order the library runs them. */
type Target = "query" | "param" | "header";

/** The result handed to the hook, as @hono/zod-validator hands it. */
export interface ValidationResult {
  readonly success: boolean;
  readonly data: unknown;
  readonly error?: ZodError;
  readonly target: string;
}

/** The app's validation hook: a Response refuses the request, undefined lets it through. */
export type ValidationHook = (
  result: ValidationResult,
  c: Context,
) => Response | undefined | Promise<Response | undefined>;

type AnySchema = z.ZodType;

/** Parses synchronously when the schema allows it (no promise), else asynchronously. */
function parse(
  schema: AnySchema,
  value: unknown,
): z.ZodSafeParseResult<unknown> | Promise<z.ZodSafeParseResult<unknown>> {
  try {
    return schema.safeParse(value);
  } catch (error) {
    if (error instanceof z.core.$ZodAsyncError) return schema.safeParseAsync(value);
    throw error;
  }
}

/** The query as the library builds it: one value per key, or every value of a repeated key. */
function queryValue(c: Context): Record<string, string | string[]> {
  const value: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries()))
    value[key] = values.length === 1 ? (values[0] as string) : values;
  return value;
}

/**
 * The lower-case names a header schema reads and the keys it reads them into, when
 * it is a plain object schema that drops unknown keys (so that headers it does not
 * name cannot change its result); undefined otherwise.
 */
export function headerKeysOf(schema: AnySchema): Array<readonly [lower: string, key: string]> | undefined {
  if (!(schema instanceof z.ZodObject)) return undefined;
  if (schema._zod.def.catchall !== undefined) return undefined;
  return Object.keys(schema.shape).map((key) => [key.toLowerCase(), key] as const);
}

/** The headers value: only the schema's own headers when it allows it, else every header (keys as the schema spells them). */
function headerReader(schema: AnySchema): (c: Context) => Record<string, string> {
  const keys = headerKeysOf(schema);
  if (keys) {
    return (c) => {
      const value: Record<string, string> = Object.create(null);
      for (const [lower, key] of keys) {
        const header = requestHeader(c, lower);
        if (header !== undefined) value[key] = header;
      }
      return value;
    };
  }
  const spelled = new Map(
    schema instanceof z.ZodObject ? Object.keys(schema.shape).map((k) => [k.toLowerCase(), k] as const) : [],
  );
  return (c) => {
    const value: Record<string, string> = Object.create(null);
    for (const [name, header] of Object.entries(c.req.header())) value[spelled.get(name) ?? name] = header;
    return value;
  };
}

interface Check {
  readonly target: Target;
  readonly schema: AnySchema;
  readonly read: (c: Context) => unknown;
}

function checkFor(target: Target, schema: AnySchema): Check {
  const read =
    target === "query" ? queryValue : target === "param" ? (c: Context) => c.req.param() : headerReader(schema);
  return { target, schema, read };
}

/**
 * Validates one target: undefined when it holds (its value is then `c.req.valid(target)`),
 * else the hook's answer (or a plain 400 when the hook gives none, as the library does).
 */
async function validateAsync(
  check: Check,
  c: Context,
  value: unknown,
  pending: Promise<z.ZodSafeParseResult<unknown>>,
  hook: ValidationHook,
): Promise<Response | undefined> {
  return settle(check, c, value, await pending, hook);
}

async function settle(
  check: Check,
  c: Context,
  value: unknown,
  result: z.ZodSafeParseResult<unknown>,
  hook: ValidationHook,
): Promise<Response | undefined> {
  const refused = await hook({ data: value, ...result, target: check.target }, c);
  if (refused) return refused;
  if (!result.success) return c.json(result, 400);
  c.req.addValidatedData(check.target, result.data as never);
  return undefined;
}

/** One middleware validating the targets of `checks` in order; the first failure answers. */
function validatorOf(checks: readonly Check[], hook: ValidationHook): MiddlewareHandler {
  return async (c, next) => {
    for (const check of checks) {
      const value = check.read(c);
      const result = parse(check.schema, value);
      if (result instanceof Promise) {
        const refused = await validateAsync(check, c, value, result, hook);
        if (refused) return refused;
        continue;
      }
      if (result.success) {
        // The hook lets a success through (it answers failures only) — asked all the same.
        const answer = hook({ ...result, target: check.target }, c);
        const refused = answer instanceof Promise ? await answer : answer;
        if (refused) return refused;
        c.req.addValidatedData(check.target, result.data as never);
        continue;
      }
      const refused = await settle(check, c, value, result, hook);
      if (refused) return refused;
    }
    await next();
  };
}

/**
 * Splits a route's request declaration: one middleware validating its query, path
 * parameters and headers, in that order (to run as route middleware), and the
 * declaration left to @hono/zod-openapi (its body and cookies).
 */
export function requestValidators(
  request: RouteConfig["request"],
  hook: ValidationHook,
): { validators: MiddlewareHandler[]; rest: RouteConfig["request"] } {
  if (!request) return { validators: [], rest: request };
  const { query, params, headers, ...rest } = request;
  const checks: Check[] = [];
  if (query) checks.push(checkFor("query", query as AnySchema));
  if (params) checks.push(checkFor("param", params as AnySchema));
  if (headers) {
    if (Array.isArray(headers)) throw new Error("header parameters must be declared as one zod object");
    checks.push(checkFor("header", headers as AnySchema));
  }
  return { validators: checks.length > 0 ? [validatorOf(checks, hook)] : [], rest };
}
