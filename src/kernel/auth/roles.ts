/**
 * The four roles of SPEC "Authentication and roles" and the one rule that decides a
 * call: an operation lists the roles any one of which allows it (`x-rmos-roles`), and
 * a principal holding at least one of them may call it. Reading is open to every role
 * (auditor-level read), so a read operation lists all four; writing lists `writer`,
 * reviewing `reviewer`, administering `admin`. No role implies another: an admin may
 * read and administer, not create runs. {@link ROLES_FOR} names these four sets so that
 * routes say what kind of operation they are instead of spelling the lists out.
 */

/** The roles, in the order of SPEC's table. */
export const ALL_ROLES = ["auditor", "writer", "reviewer", "admin"] as const;

export type Role = (typeof ALL_ROLES)[number];

/** The roles that may call each kind of operation. */
export const ROLES_FOR = {
  /** every GET of the API, /metrics, the log, receipts, verify */
  read: ALL_ROLES,
  /** create runs, attachments, advisory assets, links, suggest-and-attach, sessions and their events */
  write: ["writer"],
  /** review advisory assets */
  review: ["reviewer"],
  /** schema migrations, imports, tokens */
  admin: ["admin"],
} as const satisfies Record<string, readonly Role[]>;

/** Whether `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ALL_ROLES as readonly string[]).includes(value);
}

/** Raised by {@link parseRoleList} for a list that does not name only roles. */
export class RoleListError extends Error {
  override readonly name = "RoleListError";
}

/**
 * Parses `writer,reviewer` (commas, optional spaces) into a sorted, duplicate-free list
 * of roles; throws RoleListError naming the unknown entries, or when the list is empty.
 */
export function parseRoleList(text: string): Role[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new RoleListError(`no role given; roles: ${ALL_ROLES.join(", ")}`);
  const unknown = parts.filter((p) => !isRole(p));
  if (unknown.length > 0) {
    throw new RoleListError(`unknown role(s): ${unknown.join(", ")}; roles: ${ALL_ROLES.join(", ")}`);
  }
  return normalizeRoles(parts as Role[]);
}

/** The roles in table order, each once. */
export function normalizeRoles(roles: readonly Role[]): Role[] {
  return ALL_ROLES.filter((r) => roles.includes(r));
}

/** Whether a principal holding `held` may call an operation that `allowed` roles may call. */
export function allows(allowed: readonly Role[], held: readonly Role[]): boolean {
  return held.some((r) => allowed.includes(r));
}

/** Compile-time check that the token store port names exactly these roles. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const ROLES_MATCH_TOKEN_PORT: Same<Role, import("../../contracts/ports/token_store.js").TokenRole> = true;
