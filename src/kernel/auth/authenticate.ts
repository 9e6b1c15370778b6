/**
 * The authentication middleware (Hono). With RMOS_AUTH=on, every request but the
 * exempt ones ({@link PUBLIC_ENDPOINTS}: GET/HEAD of `/healthz`, `/readyz`,
 * `/openapi.json`, `/docs`, matched exactly) must carry `Authorization: Bearer …`.
 * A credential with the API-token prefix is checked as a token (against the store,
 * on every request); any other as a JWT when OIDC is configured. The principal is
 * left on the context (`c.get("principal")`) and the request's logger gains its id.
 * Every refusal is a thrown ProblemError (401, or 503 when the provider's keys cannot
 * be fetched), answered by the kernel's error handler; the log line says why, with the
 * token id at most — never the credential. With RMOS_AUTH=off every request is
 * {@link ANONYMOUS}, holding every role.
 */
import type { MiddlewareHandler } from "hono";
import type { ProblemError } from "../../contracts/problem.js";
import type { Logger } from "../logger.js";
import { looksLikeApiToken } from "./api_token.js";
import { keysUnavailable, unauthenticated } from "./auth_problems.js";
import { readBearer } from "./bearer_header.js";
import type { JwtVerifier } from "./jwt_verifier.js";
import { ANONYMOUS, type Principal } from "./principal.js";
import type { TokenVerifier } from "./token_verifier.js";

/** What the middleware leaves on the context. */
export interface AuthEnv {
  Variables: {
    principal: Principal;
    logger: Logger;
  };
}

/** The endpoints that need no credential (GET and HEAD only). */
export const PUBLIC_ENDPOINTS: readonly string[] = ["/healthz", "/readyz", "/openapi.json", "/docs"];

/** Whether a request needs no credential. */
export function isPublicRequest(method: string, path: string): boolean {
  return (method === "GET" || method === "HEAD") && PUBLIC_ENDPOINTS.includes(path);
}

export interface AuthenticateOptions {
  readonly mode: "on" | "off";
  /** API tokens (required when on). */
  readonly tokens?: TokenVerifier;
  /** JWTs from the identity provider, when configured. */
  readonly jwt?: JwtVerifier;
  /** Which requests need no credential (default {@link isPublicRequest}). */
  readonly isPublic?: (method: string, path: string) => boolean;
}

/** What checking a request's credential found. */
export type CredentialCheck =
  /** A public request: no credential needed, no principal set. */
  | { readonly kind: "public" }
  /** The caller; `proven` when a credential proved it (authentication on), not when anonymous. */
  | { readonly kind: "principal"; readonly principal: Principal; readonly proven: boolean }
  /** Refused: `problem` is the answer, `log` writes why on the request's logger (once, by whoever answers). */
  | { readonly kind: "refused"; readonly problem: ProblemError; readonly log: (logger: Logger | undefined) => void };

/** Checks one request's credential: `authorization` reads its Authorization header (only when needed). */
export type CredentialChecker = (
  method: string,
  path: string,
  authorization: () => string | undefined,
) => CredentialCheck | Promise<CredentialCheck>;

const PUBLIC: CredentialCheck = { kind: "public" };
const ANONYMOUS_CALLER: CredentialCheck = { kind: "principal", principal: ANONYMOUS, proven: false };

function refused(problem: ProblemError, reason: string, extra: Record<string, unknown> = {}): CredentialCheck {
  return {
    kind: "refused",
    problem,
    log: (logger) => logger?.info({ auth_refused: reason, ...extra }, "credential refused"),
  };
}

/**
 * The one credential check of a request, with no side effect: the middleware below and
 * the kernel's answer of cached reads (http/cached_reads.ts) both use it, and only the
 * one that answers a refusal logs it. Synchronous when nothing needs to be looked up
 * (authentication off, a public request, no or a malformed header).
 */
export function credentialChecker(options: AuthenticateOptions): CredentialChecker {
  const { mode, tokens, jwt, isPublic = isPublicRequest } = options;
  if (mode === "on" && !tokens) throw new Error("authentication is on but no token verifier was given");
  const verify = async (credential: string): Promise<CredentialCheck> => {
    if (looksLikeApiToken(credential)) {
      const check = await (tokens as TokenVerifier).verify(credential);
      if (!check.ok) {
        return refused(
          unauthenticated("invalid"),
          `token_${check.reason}`,
          check.token_id ? { token_id: check.token_id } : {},
        );
      }
      return { kind: "principal", principal: check.principal, proven: true };
    }
    if (jwt) {
      const check = await jwt.verify(credential);
      if (!check.ok) {
        if (check.reason === "keys_unavailable") {
          return {
            kind: "refused",
            problem: keysUnavailable(),
            log: (logger) =>
              logger?.warn(
                { auth_refused: "jwt_keys_unavailable", detail: check.detail },
                "identity provider keys unavailable",
              ),
          };
        }
        return refused(unauthenticated("invalid"), `jwt_${check.reason}`);
      }
      return { kind: "principal", principal: check.principal, proven: true };
    }
    return refused(unauthenticated("invalid"), "not_a_token");
  };
  return (method, path, authorization) => {
    if (mode === "off") return ANONYMOUS_CALLER;
    if (isPublic(method, path)) return PUBLIC;
    const header = readBearer(authorization());
    if (header.kind === "absent") return refused(unauthenticated("missing"), "missing");
    if (header.kind === "malformed") return refused(unauthenticated("malformed"), "malformed_header");
    return verify(header.credential);
  };
}

/** The authentication middleware; see the module comment. */
export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AuthEnv> {
  return authenticateWith(credentialChecker(options));
}

/** The authentication middleware over `check` (shared with the kernel's answer of cached reads). */
export function authenticateWith(check: CredentialChecker): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const pending = check(c.req.method, c.req.path, () => c.req.header("authorization"));
    const found = pending instanceof Promise ? await pending : pending;
    if (found.kind === "public") return next();
    if (found.kind === "refused") {
      found.log(c.get("logger") as Logger | undefined);
      throw found.problem;
    }
    c.set("principal", found.principal);
    if (found.proven) {
      const logger = c.get("logger") as Logger | undefined;
      if (logger) c.set("logger", logger.child({ principal: found.principal.id }));
    }
    return next();
  };
}
