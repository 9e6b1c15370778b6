/**
 * Who a request counts against, for per-client limits: the authenticated principal
 * when authentication has set one on the context (the context variable `principal`,
 * a string such as `token:<name>`), else the peer's address (`addr:<ip>`) — one
 * budget per address while authentication is off. A request with neither (an
 * in-process `app.request` call, which has no socket) has no key and is not limited.
 */
import type { Context } from "hono";

/** The name of the context variable authentication sets to the request's principal. */
export const PRINCIPAL_VARIABLE = "principal";

/** What @hono/node-server passes as the environment: the Node request. */
interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string } };
}

/** The key a request's limits are counted under, or undefined when it has no client. */
export function clientKeyOf(c: Context): string | undefined {
  const principal = (c.get as (key: string) => unknown)(PRINCIPAL_VARIABLE);
  if (typeof principal === "string" && principal.length > 0) return `principal:${principal}`;
  const address = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return address ? `addr:${address}` : undefined;
}
