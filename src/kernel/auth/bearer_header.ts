/**
 * Reading `Authorization: Bearer <credential>` strictly (RFC 6750 §2.1, RFC 9110 §11):
 * the scheme `Bearer` (any case), exactly one space, then a b64token — letters,
 * digits and `-._~+/`, then optional `=` padding — and nothing else. A header that is
 * present but not that (another scheme, no credential, extra spaces or parts, a
 * credential longer than {@link MAX_CREDENTIAL_LENGTH}) is malformed, which the
 * middleware answers with 401; it is never echoed.
 */

/** The longest credential read from the header. */
export const MAX_CREDENTIAL_LENGTH = 8192;

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

export type BearerHeader =
  | { readonly kind: "absent" }
  | { readonly kind: "malformed" }
  | { readonly kind: "bearer"; readonly credential: string };

/** Classifies the value of the Authorization header. */
export function readBearer(header: string | undefined): BearerHeader {
  if (header === undefined) return { kind: "absent" };
  // Checked before the pattern, so that a huge header costs no regex work.
  if (header.length > MAX_CREDENTIAL_LENGTH + 7) return { kind: "malformed" };
  const m = BEARER.exec(header);
  if (!m) return { kind: "malformed" };
  return { kind: "bearer", credential: m[1] as string };
}
