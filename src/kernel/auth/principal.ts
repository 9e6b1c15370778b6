/**
 * Who is calling: the principal that a credential proves, with its roles and the way
 * it was proved. Handlers read it from the request context (`c.get("principal")`) and
 * record its `id` as `created_by`, a review's reviewer, and in the logs. Ids live in
 * namespaces so that one kind of credential cannot pass for another: `token:<name>`
 * for API tokens, the JWT's `sub` for OIDC (which therefore may not start with a
 * reserved prefix), `cli:<user>` for operators at the command line, `system:<what>`
 * for the service's own decisions, and `anonymous` when authentication is off.
 */
import { ALL_ROLES, type Role } from "./roles.js";

/** How the principal was established. */
export type PrincipalSource = "token" | "jwt" | "anonymous";

export interface Principal {
  /** `token:<name>`, the JWT `sub`, or `anonymous` */
  readonly id: string;
  readonly roles: readonly Role[];
  readonly via: PrincipalSource;
  /** The API token's id (never its secret), for logs. */
  readonly token_id?: string;
}

/** Prefixes that only the service gives out; a JWT `sub` starting with one is refused. */
export const RESERVED_PRINCIPAL_PREFIXES = ["token:", "cli:", "system:"] as const;

/** The principal of every request when RMOS_AUTH=off: every role, no credential. */
export const ANONYMOUS: Principal = Object.freeze({
  id: "anonymous",
  roles: ALL_ROLES,
  via: "anonymous",
});

/** The principal of an API token named `name`. */
export function tokenPrincipalId(name: string): string {
  return `token:${name}`;
}

/** Whether `id` may be a JWT subject: not reserved, 1–255 printable characters. */
export function isAcceptableSubject(id: string): boolean {
  if (id.length === 0 || id.length > 255) return false;
  if (id === ANONYMOUS.id) return false;
  if (/[\u0000-\u001f\u007f]/.test(id)) return false;
  return !RESERVED_PRINCIPAL_PREFIXES.some((p) => id.startsWith(p));
}
