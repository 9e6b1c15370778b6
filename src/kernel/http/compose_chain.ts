/**
 * Running a route's middleware as one Hono middleware. Hono registers every middleware
 * of a route as its own router entry and runs each through its dispatcher; the kernel
 * puts five or six in front of every route (request-target and rate limits, roles,
 * body limit, shape limit, validation). Chained here, they are one router entry, and
 * each step does what Hono's dispatcher (hono/compose) does for it: the same order, an
 * answer returned without calling `next` becomes the response, an error thrown by a
 * step goes to the app's error handler right there (so the steps around it still see a
 * response after their `next`), and calling `next` twice is refused.
 */
import type { Context, ErrorHandler, MiddlewareHandler, Next } from "hono";

/** One middleware running `middleware` in order, then the route's `next`; errors go to `onError`. */
export function chainMiddleware(middleware: readonly MiddlewareHandler[], onError: ErrorHandler): MiddlewareHandler {
  return async (c: Context, next: Next) => {
    let called = -1;
    const step = async (i: number): Promise<void> => {
      if (i <= called) throw new Error("next() called multiple times");
      called = i;
      const handler = middleware[i];
      if (handler === undefined) return next();
      let res: unknown;
      let isError = false;
      try {
        res = await handler(c, () => step(i + 1));
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        c.error = error;
        res = await onError(error, c);
        isError = true;
      }
      if (res instanceof Response && (!c.finalized || isError)) c.res = res;
    };
    await step(0);
  };
}
