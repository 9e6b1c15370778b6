/**
 * Who a request counts against, for per-client limits: the authenticated principal
 * (the context variable `principal`, set by authentication before any limit runs) when
 * a credential proved one — `principal:token:<name>`, `principal:<sub>` — else the
 * peer's address (`addr:<ip>`): one budget per address while authentication is off,
 * where every request is `anonymous` and sharing that one name would let one client
 * spend everybody's budget. A request with neither (an in-process `app.request` call,
 * which has no socket) has no key and is not limited.
 */
import type { Context } from "hono";
import type { Principal } from "../auth/principal.js";

/** The name of the context variable authentication sets to the request's principal. */
export const PRINCIPAL_VARIABLE = "principal";

/** What @hono/node-server passes as the environment: the Node request. */
interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string } };
}

/** The key of a request by `principal` from peer `address`, or undefined when it has no client. */
export function clientKey(principal: Principal | undefined, address: string | undefined): string | undefined {
  if (principal && principal.via !== "anonymous" && principal.id.length > 0) return `principal:${principal.id}`;
  return address ? `addr:${address}` : undefined;
}

/** The key a request's limits are counted under, or undefined when it has no client. */
export function clientKeyOf(c: Context): string | undefined {
  const principal = (c.get as (key: string) => unknown)(PRINCIPAL_VARIABLE) as Principal | undefined;
  return clientKey(principal, (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress);
}
