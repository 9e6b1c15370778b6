/**
 * Limits on the shape of a JSON body, checked right after it is parsed and before
 * anything walks it recursively (validation, canonicalization, hashing): nesting depth,
 * members of one object, items of one array, length of one string or key. A body past
 * any of them is refused with 400 problem+json naming the limit and where it was met,
 * instead of a stack overflow or a 500 deep inside. The walk itself is iterative (an
 * explicit stack), so it cannot overflow whatever the input.
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../contracts/problem.js";
import { requestHeader } from "./node_bindings.js";

export interface JsonShapeLimits {
  readonly maxDepth: number;
  readonly maxKeys: number;
  readonly maxArray: number;
  readonly maxString: number;
}

/** A limit that a value exceeds, and where (a JSON Pointer). */
export interface ShapeViolation {
  readonly pointer: string;
  readonly message: string;
  readonly code: "too_deep" | "too_many_keys" | "array_too_long" | "string_too_long";
}

const pointerSegment = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** The first limit `value` exceeds, or undefined. */
export function checkJsonShape(value: unknown, limits: JsonShapeLimits): ShapeViolation | undefined {
  const stack: Array<{ value: unknown; depth: number; pointer: string }> = [{ value, depth: 0, pointer: "" }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number; pointer: string };
    const v = item.value;
    if (typeof v === "string") {
      if (v.length > limits.maxString) {
        return {
          pointer: item.pointer,
          message: `a string is longer than ${limits.maxString} characters`,
          code: "string_too_long",
        };
      }
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    const depth = item.depth + 1;
    if (depth > limits.maxDepth) {
      return { pointer: item.pointer, message: `nesting is deeper than ${limits.maxDepth} levels`, code: "too_deep" };
    }
    if (Array.isArray(v)) {
      if (v.length > limits.maxArray) {
        return {
          pointer: item.pointer,
          message: `an array has more than ${limits.maxArray} items`,
          code: "array_too_long",
        };
      }
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, pointer: `${item.pointer}/${i}` });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeys) {
      return {
        pointer: item.pointer,
        message: `an object has more than ${limits.maxKeys} members`,
        code: "too_many_keys",
      };
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (key.length > limits.maxString) {
        return {
          pointer: `${item.pointer}/${pointerSegment(key.slice(0, 64))}`,
          message: `a key is longer than ${limits.maxString} characters`,
          code: "string_too_long",
        };
      }
      stack.push({
        value: (v as Record<string, unknown>)[key],
        depth,
        pointer: `${item.pointer}/${pointerSegment(key)}`,
      });
    }
  }
  return undefined;
}

/**
 * Middleware for JSON-body routes, placed after the body-size limit: parses the body
 * once (the request caches it, so validation does not parse again) and refuses a body
 * past the shape limits. A body that is not valid JSON is left to the validator, which
 * answers it as malformed.
 */
export function jsonShapeLimit(limits: JsonShapeLimits): MiddlewareHandler {
  return async (c, next) => {
    if (!/json/i.test(requestHeader(c, "content-type") ?? "")) return next();
    let body: unknown;
    try {
      body = await c.req.json();
    } catch (error) {
      if (error instanceof SyntaxError) return next();
      throw error;
    }
    const violation = checkJsonShape(body, limits);
    if (violation) {
      throw new ProblemError(
        400,
        `the JSON body is too large in shape: ${violation.message} (at ${violation.pointer || "/"})`,
        {
          slug: "json-too-complex",
          title: "Validation failed",
          errors: [
            { location: "body", pointer: violation.pointer || "/", message: violation.message, code: violation.code },
          ],
        },
      );
    }
    await next();
  };
}
