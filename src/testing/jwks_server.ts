/**
 * Test support: a JSON Web Key Set served over real HTTP on 127.0.0.1 (port 0), with
 * keys made in the test. The served set can be replaced (key rotation) or made to
 * fail (status 500, not JSON), and every fetch is counted, so tests can see when the
 * verifier refetched.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT, type JWTPayload } from "jose";

/** A signing key made in the test, with its public JWK. */
export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

/** Makes a key pair for `alg` with key id `kid`. */
export async function makeKey(kid: string, alg = "RS256", options: { modulusLength?: number } = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** Signs `claims` with `key` (header alg and kid from the key unless overridden). */
export function signWith(
  key: TestKey,
  claims: JWTPayload,
  header: { alg?: string; kid?: string; [k: string]: unknown } = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

export interface JwksServer {
  readonly url: URL;
  /** Fetches served so far. */
  readonly fetches: number;
  /** Replaces the served keys. */
  serve(keys: readonly JWK[]): void;
  /** Answers every fetch with this instead (undefined: the keys again). */
  fail(mode: "status500" | "not_json" | undefined): void;
  close(): Promise<void>;
}

/** Starts a JWKS server on 127.0.0.1 serving `keys`. */
export async function startJwksServer(keys: readonly JWK[]): Promise<JwksServer> {
  let served = [...keys];
  let fetches = 0;
  let failure: "status500" | "not_json" | undefined;
  const server = http.createServer((req, res) => {
    fetches++;
    if (req.url !== "/jwks.json") {
      res.writeHead(404).end();
      return;
    }
    if (failure === "status500") {
      res.writeHead(500).end("boom");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(failure === "not_json" ? "<html>" : JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/jwks.json`),
    get fetches() {
      return fetches;
    },
    serve(next) {
      served = [...next];
    },
    fail(mode) {
      failure = mode;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
