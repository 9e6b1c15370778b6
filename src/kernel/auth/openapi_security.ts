/**
 * How authentication shows in the OpenAPI document: one HTTP bearer security scheme
 * (API tokens and OIDC JWTs alike) and, on every operation, `security` naming it plus
 * `x-rmos-roles`, the roles any one of which allows the call. A route declares its
 * roles where it is defined by spreading {@link operationRoles} into `createRoute`;
 * the public endpoints spread {@link PUBLIC_OPERATION} (`security: []`). Neither holds
 * anything secret: the document never contains a credential.
 */
import type { Role } from "./roles.js";

/** The name of the security scheme in `components.securitySchemes`. */
export const BEARER_SCHEME_NAME = "bearerAuth";

/** The extension member that lists an operation's roles. */
export const ROLES_EXTENSION = "x-rmos-roles";

/** The security scheme object to register under {@link BEARER_SCHEME_NAME}. */
export const bearerSecurityScheme = {
  type: "http",
  scheme: "bearer",
  description:
    "An API token (`rmos tokens create`, starting `rmos_`) or a JWT from the configured OpenID Connect provider. Required on every operation except the public ones when RMOS_AUTH=on.",
} as const;

/** The members to put into a `createRoute` config: the bearer requirement and the roles. */
export function operationRoles(roles: readonly Role[]): {
  security: Array<Record<string, string[]>>;
  "x-rmos-roles": Role[];
} {
  if (roles.length === 0) throw new Error("an operation needs at least one role");
  return { security: [{ [BEARER_SCHEME_NAME]: [] }], [ROLES_EXTENSION]: [...roles] };
}

/** The members of an operation that needs no credential. */
export const PUBLIC_OPERATION = { security: [] as Array<Record<string, string[]>> } as const;
