/**
 * The two refusals of authentication, as problem+json errors with the
 * `WWW-Authenticate` challenge of RFC 6750 §3. 401 (`urn:rmos:problem:unauthenticated`)
 * when no usable credential came: without an `error` attribute when there was no
 * credential at all, `invalid_request` for a malformed header, `invalid_token` for a
 * credential that is unknown, expired, revoked or does not verify. 403
 * (`urn:rmos:problem:forbidden`, `insufficient_scope`) when a valid credential lacks
 * the role. Details are fixed texts: they never contain the credential, never say
 * which check failed (an unknown token id and a wrong secret read the same), and never
 * depend on whether the addressed resource exists.
 */
import { ProblemError } from "../../contracts/problem.js";
import type { Role } from "./roles.js";

/** The realm named in every challenge. */
export const REALM = "rmos";

export type ChallengeError = "invalid_request" | "invalid_token" | "insufficient_scope";

/** The WWW-Authenticate value for `error` (none: a bare challenge). */
export function bearerChallenge(error?: ChallengeError): string {
  return error ? `Bearer realm="${REALM}", error="${error}"` : `Bearer realm="${REALM}"`;
}

const DETAILS = {
  missing: "this request needs a credential: send Authorization: Bearer <token>",
  malformed: "the Authorization header is not of the form: Bearer <token>",
  invalid: "the credential is not valid: it is unknown, expired or revoked, or it does not verify",
} as const;

/** Why a request is unauthenticated. */
export type Unauthenticated = keyof typeof DETAILS;

/** The 401 for `why`. */
export function unauthenticated(why: Unauthenticated): ProblemError {
  const error = why === "missing" ? undefined : why === "malformed" ? "invalid_request" : "invalid_token";
  return new ProblemError(401, DETAILS[why], {
    slug: "unauthenticated",
    headers: { "WWW-Authenticate": bearerChallenge(error) },
  });
}

/** The 403 for a principal without any of `allowed`. */
export function forbidden(allowed: readonly Role[]): ProblemError {
  return new ProblemError(403, `this operation needs one of the roles: ${allowed.join(", ")}`, {
    slug: "forbidden",
    headers: { "WWW-Authenticate": bearerChallenge("insufficient_scope") },
  });
}

/** The 503 when the identity provider's keys cannot be fetched. */
export function keysUnavailable(): ProblemError {
  return new ProblemError(503, "the identity provider's signing keys cannot be fetched now; retry later", {
    slug: "identity-provider-unavailable",
    headers: { "Retry-After": "5" },
  });
}
