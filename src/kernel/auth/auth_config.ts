/**
 * The authentication settings (SPEC "Authentication and roles"), read from the
 * environment: `RMOS_AUTH` (`on` | `off`) and the OIDC variables `RMOS_AUTH_JWKS_URL`
 * or `RMOS_AUTH_JWKS_FILE`, `RMOS_AUTH_ISSUER`, `RMOS_AUTH_AUDIENCE` (one or more,
 * comma-separated), `RMOS_AUTH_ROLES_CLAIM` (default `roles`) and optionally
 * `RMOS_AUTH_ALGORITHMS` (a subset of the asymmetric allow-list). Secure by default:
 * without `RMOS_AUTH`, authentication is off only when `HOST` is loopback; on any
 * other address the start is refused with a message saying what to set. An explicit
 * `RMOS_AUTH=off` on such an address is allowed and yields a warning for every start.
 * A JWKS URL must be https (plain http only to a loopback host).
 */
import { ConfigError } from "../config_error.js";
import { ASYMMETRIC_ALGORITHMS } from "./jwt_verifier.js";
import { isLoopbackHost } from "./loopback.js";

export interface OidcConfig {
  /** Exactly one of jwksUrl and jwksFile is set. */
  readonly jwksUrl?: URL;
  readonly jwksFile?: string;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly rolesClaim: string;
  readonly algorithms: readonly string[];
}

export interface AuthConfig {
  readonly mode: "on" | "off";
  /** Present when an identity provider is configured (and mode is on). */
  readonly oidc?: OidcConfig;
  /** Warnings to log at every start (e.g. off on a non-loopback address). */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const OIDC_VARIABLES = [
  "RMOS_AUTH_JWKS_URL",
  "RMOS_AUTH_JWKS_FILE",
  "RMOS_AUTH_ISSUER",
  "RMOS_AUTH_AUDIENCE",
  "RMOS_AUTH_ROLES_CLAIM",
  "RMOS_AUTH_ALGORITHMS",
] as const;

const value = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
};

function jwksUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`RMOS_AUTH_JWKS_URL: "${text}" is not a URL`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new ConfigError(
    "RMOS_AUTH_JWKS_URL: must be https:// (plain http:// only to a loopback host): keys fetched over plain HTTP could be swapped on the way",
  );
}

function readOidc(env: Env): OidcConfig | undefined {
  const url = value(env, "RMOS_AUTH_JWKS_URL");
  const file = value(env, "RMOS_AUTH_JWKS_FILE");
  const given = OIDC_VARIABLES.filter((n) => value(env, n) !== undefined);
  if (!url && !file) {
    if (given.length > 0) {
      throw new ConfigError(
        `${given.join(", ")} set without RMOS_AUTH_JWKS_URL or RMOS_AUTH_JWKS_FILE: name where the identity provider's keys are`,
      );
    }
    return undefined;
  }
  if (url && file) throw new ConfigError("set RMOS_AUTH_JWKS_URL or RMOS_AUTH_JWKS_FILE, not both");
  const issuer = value(env, "RMOS_AUTH_ISSUER");
  const audienceText = value(env, "RMOS_AUTH_AUDIENCE");
  const missing = [issuer ? undefined : "RMOS_AUTH_ISSUER", audienceText ? undefined : "RMOS_AUTH_AUDIENCE"].filter(
    Boolean,
  );
  if (missing.length > 0) {
    throw new ConfigError(
      `${missing.join(" and ")} must be set with a JWKS: a JWT is accepted only from the named issuer and for this service's audience`,
    );
  }
  const audience = (audienceText as string)
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (audience.length === 0) throw new ConfigError("RMOS_AUTH_AUDIENCE: name at least one audience");
  const algorithmsText = value(env, "RMOS_AUTH_ALGORITHMS");
  const algorithms = algorithmsText
    ? algorithmsText
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean)
    : [...ASYMMETRIC_ALGORITHMS];
  const refused = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (refused.length > 0 || algorithms.length === 0) {
    throw new ConfigError(
      `RMOS_AUTH_ALGORITHMS: ${refused.join(", ") || "(empty)"} refused; allowed are asymmetric algorithms only: ${ASYMMETRIC_ALGORITHMS.join(", ")}`,
    );
  }
  return {
    ...(url ? { jwksUrl: jwksUrl(url) } : { jwksFile: file as string }),
    issuer: issuer as string,
    audience,
    rolesClaim: value(env, "RMOS_AUTH_ROLES_CLAIM") ?? "roles",
    algorithms,
  };
}

/** The authentication settings for a service listening on `host`; throws ConfigError. */
export function loadAuthConfig(env: Env, host: string): AuthConfig {
  const mode = value(env, "RMOS_AUTH");
  const loopback = isLoopbackHost(host);
  if (mode !== undefined && mode !== "on" && mode !== "off") {
    throw new ConfigError(`RMOS_AUTH: "${mode}" is not valid; use on or off`);
  }
  if (mode === undefined && !loopback) {
    throw new ConfigError(
      `HOST=${host} is not a loopback address, so the service will not start without RMOS_AUTH.\n` +
        "  Set RMOS_AUTH=on to require a credential on every request (create one with\n" +
        "  `rmos tokens create --name NAME --role ROLE`, or configure OIDC with RMOS_AUTH_JWKS_URL,\n" +
        "  RMOS_AUTH_ISSUER and RMOS_AUTH_AUDIENCE); see docs/auth.md.\n" +
        "  Or set RMOS_AUTH=off to serve without authentication anyway (a warning is logged at every start).",
    );
  }
  const oidc = readOidc(env);
  if ((mode ?? "off") === "off") {
    const warnings: string[] = [];
    if (!loopback) {
      warnings.push(
        `RMOS_AUTH=off on HOST=${host}, which is not loopback: anyone who can reach the port can write and approve as "anonymous"`,
      );
    }
    if (oidc) warnings.push("RMOS_AUTH=off: the RMOS_AUTH_JWKS_* settings are ignored");
    return { mode: "off", warnings };
  }
  return { mode: "on", ...(oidc ? { oidc } : {}), warnings: [] };
}
