/**
 * Building the authentication middleware from the settings: the token verifier over
 * the token store, and — when an identity provider is configured — the JWT verifier
 * over its key set (by URL or by file). This is the one call the kernel makes:
 * `app.use("*", createAuthMiddleware(loadAuthConfig(env, host), tokenStore))`; the kernel's answer of
 * cached reads uses the same check (`createCredentialChecker`).
 */
import type { MiddlewareHandler } from "hono";
import type { TokenStore } from "../../contracts/ports/token_store.js";
import type { AuthConfig } from "./auth_config.js";
import { type AuthEnv, authenticateWith, type CredentialChecker, credentialChecker } from "./authenticate.js";
import { jwksFromFile, jwksFromUrl, type RemoteJwksOptions } from "./jwks_source.js";
import { JwtVerifier } from "./jwt_verifier.js";
import { TokenVerifier } from "./token_verifier.js";

export interface AuthSetupOptions {
  /** Tuning of the remote key set (cool-down, cache age, timeout). */
  readonly jwks?: RemoteJwksOptions;
  /** The clock, for tests. */
  readonly now?: () => Date;
}

/** The JWT verifier of `config`, or undefined when no identity provider is configured. */
export function createJwtVerifier(config: AuthConfig, options: AuthSetupOptions = {}): JwtVerifier | undefined {
  const oidc = config.oidc;
  if (config.mode !== "on" || !oidc) return undefined;
  const keys = oidc.jwksUrl ? jwksFromUrl(oidc.jwksUrl, options.jwks) : jwksFromFile(oidc.jwksFile as string);
  return new JwtVerifier({
    keys,
    issuer: oidc.issuer,
    audience: oidc.audience,
    rolesClaim: oidc.rolesClaim,
    algorithms: oidc.algorithms,
    ...(options.now ? { now: options.now } : {}),
  });
}

/**
 * The credential check for `config`, against `store`; `isPublic` (default: the
 * kernel's probes) says which requests need no credential.
 */
export function createCredentialChecker(
  config: AuthConfig,
  store: TokenStore,
  options: AuthSetupOptions = {},
  isPublic?: (method: string, path: string) => boolean,
): CredentialChecker {
  const jwt = createJwtVerifier(config, options);
  return credentialChecker({
    mode: config.mode,
    tokens: new TokenVerifier(store, options.now),
    ...(jwt ? { jwt } : {}),
    ...(isPublic ? { isPublic } : {}),
  });
}

/**
 * The authentication middleware for `config`, checking tokens against `store`;
 * `isPublic` (default: the kernel's probes) says which requests need no credential.
 */
export function createAuthMiddleware(
  config: AuthConfig,
  store: TokenStore,
  options: AuthSetupOptions = {},
  isPublic?: (method: string, path: string) => boolean,
): MiddlewareHandler<AuthEnv> {
  return authenticateWith(createCredentialChecker(config, store, options, isPublic));
}
