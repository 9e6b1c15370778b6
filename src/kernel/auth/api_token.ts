/**
 * The API token format: `rmos_` + token id + `_` + secret, where the token id is
 * `tok_` + ULID (public: it names the token in `rmos tokens list` and in logs) and the
 * secret is 256 random bits in base64url (43 characters). The prefix lets secret
 * scanners and the authentication middleware recognise a token without a lookup.
 * Only the SHA-256 of the whole token is stored: a 256-bit random secret needs no slow
 * password hash, and binding the id into the hash means a digest cannot be moved to
 * another token id. Digests are compared with `timingSafeEqual` on equal-length
 * buffers, so the time taken says nothing about how much of a guess was right.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ulid } from "ulid";

export const TOKEN_PREFIX = "rmos_";
export const TOKEN_ID_PATTERN = /^tok_[0-9A-HJKMNP-TV-Z]{26}$/;
const TOKEN_PATTERN = /^rmos_(tok_[0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

/** A freshly minted token: shown once, then only its digest is kept. */
export interface MintedToken {
  readonly token_id: string;
  readonly token: string;
  readonly secret_sha256: string;
}

/** Mints a new token with a fresh id and a 256-bit secret. */
export function mintToken(now: Date = new Date()): MintedToken {
  const token_id = `tok_${ulid(now.getTime())}`;
  const token = `${TOKEN_PREFIX}${token_id}_${randomBytes(32).toString("base64url")}`;
  return { token_id, token, secret_sha256: tokenDigest(token) };
}

/** The token id of a well-formed token, or undefined for anything else. */
export function parseToken(token: string): { token_id: string } | undefined {
  const m = TOKEN_PATTERN.exec(token);
  return m ? { token_id: m[1] as string } : undefined;
}

/** Whether `credential` claims to be an API token (by its prefix), well formed or not. */
export function looksLikeApiToken(credential: string): boolean {
  return credential.startsWith(TOKEN_PREFIX);
}

/** SHA-256 of the token, lowercase hex. */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares `token` with a stored digest in constant time. */
export function digestMatches(token: string, storedSha256: string): boolean {
  const presented = createHash("sha256").update(token, "utf8").digest();
  const stored = Buffer.from(storedSha256, "hex");
  // A stored digest that is not 32 bytes is corrupt: refuse, still hashing first so the
  // answer time does not depend on it.
  if (stored.length !== presented.length) return false;
  return timingSafeEqual(presented, stored);
}
