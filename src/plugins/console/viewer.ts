/**
 * Who the console says is signed in, from the session's credential alone: an API
 * token's public id (`rmos_<token id>_<secret>` → the token id), a JWT's `sub` (for
 * display only — the API verified the token at sign-in and verifies it on every call),
 * or "signed in". Never any part of a secret.
 */
import type { SessionData } from "./session_seal.js";

/** A label for the signed-in credential, or null for an anonymous session. */
export function credentialLabel(session: SessionData): string | null {
  const tok = session.tok;
  if (!tok) return null;
  const api = /^rmos_(tok_[0-9A-HJKMNP-TV-Z]{26})_/.exec(tok);
  if (api) return `token ${api[1]}`;
  const parts = tok.split(".");
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8")) as { sub?: unknown };
      if (typeof payload.sub === "string" && payload.sub.length > 0) return payload.sub.slice(0, 80);
    } catch {
      // not a readable JWT payload: fall through to the generic label
    }
  }
  return "signed in";
}
