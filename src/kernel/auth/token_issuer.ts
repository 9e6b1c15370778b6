/**
 * Issuing an API token: check the name and roles, mint a token, store only its digest
 * with the issuing operator and the expiry, and hand the token back once. A name is
 * the principal (`token:<name>`), so two tokens with one name act as one principal —
 * which is how a token is rotated: create the new one, switch the client, revoke the
 * old one.
 */
import type { TokenStore } from "../../contracts/ports/token_store.js";
import { mintToken } from "./api_token.js";
import { normalizeRoles, type Role } from "./roles.js";

/** A token name: 1–64 characters of letters, digits and `._@-`, starting with a letter or digit. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface IssueRequest {
  readonly name: string;
  readonly roles: readonly Role[];
  /** Lifetime in milliseconds; none: the token lives until revoked. */
  readonly expiresInMs?: number;
  /** The operator issuing it (e.g. `cli:alice`). */
  readonly createdBy: string;
  readonly now?: Date;
}

/** What `rmos tokens create` prints: the only time the token is shown. */
export interface IssuedToken {
  readonly token_id: string;
  readonly token: string;
  readonly name: string;
  readonly roles: Role[];
  readonly expires_at_utc: string | null;
}

/** Raised for a name or role list that cannot be issued. */
export class TokenRequestError extends Error {
  override readonly name = "TokenRequestError";
}

/** Mints and stores a token; returns it (the store keeps only its digest). */
export async function issueToken(store: TokenStore, request: IssueRequest): Promise<IssuedToken> {
  if (!TOKEN_NAME_PATTERN.test(request.name)) {
    throw new TokenRequestError(
      `token name "${request.name}" must be 1-64 characters of letters, digits and . _ @ -, starting with a letter or digit`,
    );
  }
  const roles = normalizeRoles(request.roles);
  if (roles.length === 0) throw new TokenRequestError("a token needs at least one role");
  const now = request.now ?? new Date();
  const minted = mintToken(now);
  const expires_at_utc =
    request.expiresInMs === undefined ? null : new Date(now.getTime() + request.expiresInMs).toISOString();
  await store.insert({
    token_id: minted.token_id,
    name: request.name,
    roles,
    secret_sha256: minted.secret_sha256,
    created_at_utc: now.toISOString(),
    created_by: request.createdBy,
    expires_at_utc,
  });
  return { token_id: minted.token_id, token: minted.token, name: request.name, roles, expires_at_utc };
}
