/**
 * Checking an API token on a request: parse it, read its record from the store (on
 * every call — no cache, so a revocation is refused at once on every instance), compare
 * digests in constant time, and refuse a revoked or expired token. The answer is the
 * token's principal or a refusal with a reason for the logs; the reason is never shown
 * to the client, so that the answer does not tell an unknown id from a wrong secret.
 */
import type { TokenStore } from "../../contracts/ports/token_store.js";
import { digestMatches, parseToken } from "./api_token.js";
import { type Principal, tokenPrincipalId } from "./principal.js";
import { normalizeRoles } from "./roles.js";

/** Why a credential was refused (logged, never answered). */
export type TokenRefusal = "malformed" | "unknown" | "mismatch" | "revoked" | "expired";

export type TokenCheck =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: TokenRefusal; readonly token_id?: string };

export class TokenVerifier {
  constructor(
    private readonly store: TokenStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Checks `token` against the store now. */
  async verify(token: string): Promise<TokenCheck> {
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, reason: "malformed" };
    const { token_id } = parsed;
    const record = await this.store.find(token_id);
    if (!record) return { ok: false, reason: "unknown", token_id };
    if (!digestMatches(token, record.secret_sha256)) return { ok: false, reason: "mismatch", token_id };
    if (record.revoked_at_utc !== null) return { ok: false, reason: "revoked", token_id };
    if (record.expires_at_utc !== null && Date.parse(record.expires_at_utc) <= this.now().getTime()) {
      return { ok: false, reason: "expired", token_id };
    }
    return {
      ok: true,
      principal: { id: tokenPrincipalId(record.name), roles: normalizeRoles(record.roles), via: "token", token_id },
    };
  }
}
