/**
 * Authorization of one operation: `requireRoles(roles)` is route middleware that lets
 * the request through when its principal holds any of `roles` and otherwise answers
 * 403. It must run before the route's request validation, so that a caller without
 * the role learns nothing from validation errors either. A request that reaches it
 * without a principal means the authentication middleware was not mounted in front:
 * that is a wiring fault, refused (500) rather than let through.
 */
import type { MiddlewareHandler } from "hono";
import type { AuthEnv } from "./authenticate.js";
import { forbidden } from "./auth_problems.js";
import type { Principal } from "./principal.js";
import { allows, type Role } from "./roles.js";

/** Whether `principal` holds one of `roles` (the one check, also made by the kernel's answer of cached reads). */
export function holdsRoles(principal: Principal, roles: readonly Role[]): boolean {
  return allows(roles, principal.roles);
}

/** Throws the 403 unless `principal` holds one of `roles`. */
export function assertRoles(principal: Principal, roles: readonly Role[]): void {
  if (!holdsRoles(principal, roles)) throw forbidden(roles);
}

/** Route middleware: the principal must hold one of `roles`. */
export function requireRoles(roles: readonly Role[]): MiddlewareHandler<AuthEnv> {
  if (roles.length === 0) throw new Error("requireRoles needs at least one role");
  const allowed = [...roles];
  return async (c, next) => {
    const principal = c.get("principal") as Principal | undefined;
    if (!principal) throw new Error("requireRoles ran without a principal: mount authenticate() in front of it");
    assertRoles(principal, allowed);
    return next();
  };
}
