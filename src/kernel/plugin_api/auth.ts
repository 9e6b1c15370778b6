/**
 * What a plugin uses of authentication, in one import: the roles a route declares
 * where it is defined (`...operationRoles(ROLES_FOR.write)` in `createRoute` — the
 * kernel refuses to mount a route without roles, or one marked public, and enforces
 * the roles before the request is validated), the
 * request's principal (`principalOf(c)`, whose `id` is recorded as `created_by`), and
 * the two review rules (the reviewer is the principal; four eyes). The
 * implementations stay in src/kernel/auth; plugins import them only from here.
 */
import type { Context } from "hono";
import type { Principal } from "../auth/principal.js";
import type { KernelEnv } from "./routes.js";

export { operationRoles } from "../auth/openapi_security.js";
export type { Principal } from "../auth/principal.js";
export { assertFourEyes, type ReviewSubject, reviewerFor } from "../auth/review_rules.js";
export { ROLES_FOR, type Role } from "../auth/roles.js";
export { operatorOfOption, operatorPrincipal, OperatorNameError } from "../auth/operator.js";

/** The principal of the request `c` (set by the kernel's authentication before any route runs). */
export function principalOf(c: Pick<Context<KernelEnv>, "get">): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("no principal on the request: the kernel's authentication did not run");
  return principal;
}
