/**
 * Where the identity provider's public keys come from. By URL (`RMOS_AUTH_JWKS_URL`),
 * `jose`'s remote key set: fetched on first use, cached, refetched when a token names
 * a `kid` the cache does not hold (at most once per cool-down, so a flood of unknown
 * kids cannot hammer the provider) and when the cache is older than its maximum age.
 * By file (`RMOS_AUTH_JWKS_FILE`): read and checked once at start; restart to rotate.
 * A key set holding a symmetric (`oct`) key or any private key material is refused:
 * it would mean a secret was copied where only public keys belong.
 */
import fs from "node:fs";
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/** Raised for a key set that cannot be used. */
export class JwksError extends Error {
  override readonly name = "JwksError";
}

export interface RemoteJwksOptions {
  /** Minimum time between two fetches (default 30 s). */
  readonly cooldownMs?: number;
  /** Refetch when the cached set is older than this (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  /** Fetch timeout (default 5 s). */
  readonly timeoutMs?: number;
}

/** Private JWK members (RFC 7518 §6): none may appear in a public key set. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** Checks a parsed key set: `keys` is an array of public asymmetric JWKs. */
export function checkPublicKeySet(value: unknown, where: string): JSONWebKeySet {
  if (value === null || typeof value !== "object" || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw new JwksError(`${where} is not a JSON Web Key Set (an object with a "keys" array)`);
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length === 0) throw new JwksError(`${where} holds no keys`);
  keys.forEach((key, i) => {
    if (key === null || typeof key !== "object") throw new JwksError(`${where}: key ${i} is not an object`);
    const jwk = key as Record<string, unknown>;
    if (jwk.kty === "oct")
      throw new JwksError(`${where}: key ${i} is symmetric (kty "oct"); only public keys belong here`);
    const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (secret.length > 0) {
      throw new JwksError(
        `${where}: key ${i} holds private key material (${secret.join(", ")}); publish only public keys`,
      );
    }
  });
  return value as JSONWebKeySet;
}

/** The key set of a JWKS file, read and checked now. */
export function jwksFromFile(file: string): JWTVerifyGetKey {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new JwksError(`RMOS_AUTH_JWKS_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JwksError(`RMOS_AUTH_JWKS_FILE ${file} is not JSON`);
  }
  return createLocalJWKSet(checkPublicKeySet(parsed, `RMOS_AUTH_JWKS_FILE ${file}`));
}

/** The key set served at `url`, fetched lazily and cached. */
export function jwksFromUrl(url: URL, options: RemoteJwksOptions = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(url, {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
}
