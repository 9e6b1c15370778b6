/**
 * The headers on every console response: a strict Content-Security-Policy (nothing
 * from outside the service, no inline script or style, no framing, forms post only to
 * the console), nosniff, no referrer leaving the origin, and no caching of pages (they
 * hold what one person's credential may see). A response that set its own policy —
 * an attachment download's sandbox — keeps it.
 */
import type { MiddlewareHandler } from "hono";

/** The Content-Security-Policy of every console page. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * A copy of `response` with `headers` set and `append` appended. Always a new Response:
 * once @hono/node-server has replaced the global Response with its lightweight one, a
 * copy made from a response whose headers were changed in place would lose the change.
 */
export function withHeaders(
  response: Response,
  headers: Record<string, string>,
  append: Record<string, string> = {},
): Response {
  const merged = new Headers(response.headers);
  for (const [k, v] of Object.entries(headers)) merged.set(k, v);
  for (const [k, v] of Object.entries(append)) merged.append(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

/** Sets the console's security headers on whatever the handlers answered. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const own = c.res.headers.get("content-security-policy");
    c.res = withHeaders(c.res, {
      "Content-Security-Policy": own ?? CONSOLE_CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Resource-Policy": "same-origin",
      ...(c.res.headers.get("cache-control") ? {} : { "Cache-Control": "no-store" }),
    });
  };
}
