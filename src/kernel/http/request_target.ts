/**
 * Limits on the request target: the length of the URL (414 problem+json past it) and
 * the number of query parameters (400 problem+json past it), checked before routing
 * work and validation look at them.
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../contracts/problem.js";

/** Middleware refusing a URL longer than `maxLength` characters or with more than `maxParams` query parameters. */
export function requestTargetLimit(maxLength: number, maxParams: number): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    const target = url.slice(url.indexOf("/", url.indexOf("//") + 2));
    if (target.length > maxLength) {
      throw new ProblemError(414, `the request target is longer than ${maxLength} characters`, {
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
        throw new ProblemError(400, `the request has more than ${maxParams} query parameters`, {
          slug: "too-many-parameters",
          title: "Validation failed",
          errors: [
            { location: "query", pointer: "", message: `at most ${maxParams} parameters`, code: "too_many_parameters" },
          ],
        });
      }
    }
    await next();
  };
}
