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

/** The authentication middleware; see the module comment. */
export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AuthEnv> {
  const { mode, tokens, jwt, isPublic = isPublicRequest } = options;
  if (mode === "on" && !tokens) throw new Error("authentication is on but no token verifier was given");
  return async (c, next) => {
    if (mode === "off") {
      c.set("principal", ANONYMOUS);
      return next();
    }
    if (isPublic(c.req.method, c.req.path)) return next();
    const logger = c.get("logger") as Logger | undefined;
    const refuse = (reason: string, extra: Record<string, unknown> = {}) =>
      logger?.info({ auth_refused: reason, ...extra }, "credential refused");

    const header = readBearer(c.req.header("authorization"));
    if (header.kind === "absent") {
      refuse("missing");
      throw unauthenticated("missing");
    }
    if (header.kind === "malformed") {
      refuse("malformed_header");
      throw unauthenticated("malformed");
    }
    const { credential } = header;
    let principal: Principal;
    if (looksLikeApiToken(credential)) {
      const check = await (tokens as TokenVerifier).verify(credential);
      if (!check.ok) {
        refuse(`token_${check.reason}`, check.token_id ? { token_id: check.token_id } : {});
        throw unauthenticated("invalid");
      }
      principal = check.principal;
    } else if (jwt) {
      const check = await jwt.verify(credential);
      if (!check.ok) {
        if (check.reason === "keys_unavailable") {
          logger?.warn(
            { auth_refused: "jwt_keys_unavailable", detail: check.detail },
            "identity provider keys unavailable",
          );
          throw keysUnavailable();
        }
        refuse(`jwt_${check.reason}`);
        throw unauthenticated("invalid");
      }
      principal = check.principal;
    } else {
      refuse("not_a_token");
      throw unauthenticated("invalid");
    }
    c.set("principal", principal);
    if (logger) c.set("logger", logger.child({ principal: principal.id }));
    return next();
  };
}
