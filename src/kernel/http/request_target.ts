/**
 * Limits on the request target: the length of the URL (414 problem+json past it) and
 * the number of query parameters (400 problem+json past it), checked before routing
 * work and validation look at them. `targetRefusal` is the one check, used by the
 * route middleware and by the kernel's answer of cached reads (cached_reads.ts).
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../contracts/problem.js";

/** The limits of a request target. */
export interface TargetLimits {
  readonly maxLength: number;
  readonly maxParams: number;
}

/** The refusal of request target `target` (path and query), or undefined when it is within `limits`. */
export function targetRefusal(target: string, limits: TargetLimits): ProblemError | undefined {
  const { maxLength, maxParams } = limits;
  if (target.length > maxLength) {
    return new ProblemError(414, `the request target is longer than ${maxLength} characters`, {
      slug: "uri-too-long",
    });
  }
  const query = target.indexOf("?");
  if (query >= 0) {
    let params = 0;
    for (const part of target.slice(query + 1).split("&")) {
      if (part.length > 0) params++;
    }
    if (params > maxParams) {
      return new ProblemError(400, `the request has more than ${maxParams} query parameters`, {
        slug: "too-many-parameters",
        title: "Validation failed",
        errors: [
          { location: "query", pointer: "", message: `at most ${maxParams} parameters`, code: "too_many_parameters" },
        ],
      });
    }
  }
  return undefined;
}

/** Middleware refusing a URL longer than `limits.maxLength` characters or with more than `limits.maxParams` query parameters. */
export function requestTargetLimit(limits: TargetLimits): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    const refusal = targetRefusal(url.slice(url.indexOf("/", url.indexOf("//") + 2)), limits);
    if (refusal) throw refusal;
    await next();
  };
}
