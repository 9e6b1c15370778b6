/**
 * Checking a JWT from an OpenID Connect identity provider with `jose`: the signature
 * against the provider's JWKS, an asymmetric `alg` allow-list (no `none`, no HMAC, so a
 * public key can never be used as an HMAC secret), the issuer, the audience, `exp`
 * (required) and `nbf` with {@link CLOCK_TOLERANCE_SECONDS} of clock skew, and a `sub`
 * that is not one of the service's reserved principal prefixes. Before `jose` sees it a
 * token must be a compact JWS of bounded size. The roles come from a configurable claim
 * that holds either an array of strings or one space-separated string; names that are
 * not roles of this service are ignored. A failure to reach the JWKS is reported apart
 * from a bad token (the middleware answers 503 for it, not 401).
 */
import { errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { isAcceptableSubject, type Principal } from "./principal.js";
import { isRole, normalizeRoles, type Role } from "./roles.js";

/** Every asymmetric JWS algorithm `jose` verifies; HS*, `none` and anything else are refused. */
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

/** Clock skew allowed on `exp` and `nbf`. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The longest JWT accepted, in characters; longer ones are refused unparsed. */
export const MAX_JWT_LENGTH = 8192;

/** The longest protected header accepted (base64url characters). */
export const MAX_JWT_HEADER_LENGTH = 1024;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface JwtVerifierOptions {
  /** The keys: `jose`'s createRemoteJWKSet or createLocalJWKSet. */
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: readonly string[];
  /** The claim holding the roles (default `roles`). */
  readonly rolesClaim?: string;
  /** A subset of {@link ASYMMETRIC_ALGORITHMS} (default: all of them). */
  readonly algorithms?: readonly string[];
  /** The clock, for tests. */
  readonly now?: () => Date;
}

/** Why a JWT was refused (logged, never answered). */
export type JwtRefusal =
  | "oversized"
  | "malformed"
  | "algorithm"
  | "signature"
  | "unknown_key"
  | "expired"
  | "not_yet_valid"
  | "claims"
  | "subject";

export type JwtCheck =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: JwtRefusal; readonly detail: string }
  | { readonly ok: false; readonly reason: "keys_unavailable"; readonly detail: string };

/** The roles a claim value grants: an array of strings or a space-separated string. */
export function rolesFromClaim(value: unknown): Role[] {
  const names = typeof value === "string" ? value.split(" ") : Array.isArray(value) ? value : [];
  return normalizeRoles(names.filter(isRole));
}

/** The value of claim `name` in `payload`: the top-level member, else a dotted path (`realm_access.roles`). */
export function claimValue(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let current: unknown = payload;
  for (const part of name.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function classify(error: unknown): JwtCheck {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired", detail };
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { ok: false, reason: error.claim === "nbf" ? "not_yet_valid" : "claims", detail };
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return { ok: false, reason: "algorithm", detail };
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return { ok: false, reason: "unknown_key", detail };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "signature", detail };
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return { ok: false, reason: "malformed", detail };
  }
  // The JWKS could not be fetched or read (timeout, network, not JSON, not 200).
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return { ok: false, reason: "keys_unavailable", detail };
  }
  if (!(error instanceof errors.JOSEError) || error.code === "ERR_JOSE_GENERIC") {
    return { ok: false, reason: "keys_unavailable", detail };
  }
  return { ok: false, reason: "malformed", detail };
}

export class JwtVerifier {
  readonly #options: JwtVerifierOptions;
  readonly #algorithms: string[];

  constructor(options: JwtVerifierOptions) {
    const algorithms = [...(options.algorithms ?? ASYMMETRIC_ALGORITHMS)];
    const refused = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
    if (algorithms.length === 0 || refused.length > 0) {
      throw new Error(
        `JWT algorithms must be a non-empty subset of ${ASYMMETRIC_ALGORITHMS.join(", ")}; refused: ${refused.join(", ") || "(empty list)"}`,
      );
    }
    if (options.audience.length === 0) throw new Error("a JWT audience is required");
    this.#options = options;
    this.#algorithms = algorithms;
  }

  /** Checks `jwt`; never throws for a bad token. */
  async verify(jwt: string): Promise<JwtCheck> {
    if (jwt.length > MAX_JWT_LENGTH) return { ok: false, reason: "oversized", detail: `${jwt.length} characters` };
    if (!COMPACT_JWS.test(jwt)) return { ok: false, reason: "malformed", detail: "not a compact JWS" };
    if (jwt.indexOf(".") > MAX_JWT_HEADER_LENGTH) {
      return { ok: false, reason: "oversized", detail: "protected header too long" };
    }
    const { keys, issuer, audience, rolesClaim = "roles", now } = this.#options;
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(jwt, keys, {
        algorithms: this.#algorithms,
        issuer,
        audience: [...audience],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "sub"],
        ...(now ? { currentDate: now() } : {}),
      });
      payload = result.payload as Record<string, unknown>;
    } catch (error) {
      return classify(error);
    }
    const sub = payload.sub;
    if (typeof sub !== "string" || !isAcceptableSubject(sub)) {
      return { ok: false, reason: "subject", detail: "sub is reserved, empty, too long or has control characters" };
    }
    return {
      ok: true,
      principal: { id: sub, roles: rolesFromClaim(claimValue(payload, rolesClaim)), via: "jwt" },
    };
  }
}
