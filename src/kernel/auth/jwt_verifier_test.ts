/**
 * JWTs against a real JWKS served over HTTP on 127.0.0.1, with keys made here. Good
 * tokens (RSA, ECDSA, EdDSA; roles as an array, a space-separated string, a dotted
 * claim path) give the `sub` principal; every forgery and misfit is refused with its
 * reason: alg none, HS256 keyed with the public key, expired, not yet valid, missing
 * exp, wrong issuer or audience, unknown kid (and the refetch that finds a rotated
 * key, without refetching on every unknown kid), tampered payload, another key's
 * signature, a weak RSA key, oversized token or header, reserved subjects, garbage,
 * and an unreachable or broken JWKS (reported apart, as "keys unavailable").
 */
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { base64url, exportSPKI, SignJWT, UnsecuredJWT } from "jose";
import { makeKey, signWith, startJwksServer, type JwksServer, type TestKey } from "../../testing/jwks_server.js";
import { jwksFromUrl } from "./jwks_source.js";
import { CLOCK_TOLERANCE_SECONDS, type JwtCheck, JwtVerifier, MAX_JWT_LENGTH } from "./jwt_verifier.js";

const ISSUER = "https://idp.example.test/";
const AUDIENCE = "rmos-runs";
const now = () => Math.floor(Date.now() / 1000);

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ISSUER, aud: AUDIENCE, sub: "alice@example.test", exp: now() + 300, roles: ["writer"], ...extra };
}

function reasonOf(check: JwtCheck): string {
  return check.ok ? "ok" : check.reason;
}

describe("JWT verifier against a JWKS served on loopback", () => {
  let server: JwksServer;
  let rsa: TestKey;
  let ec: TestKey;
  let ed: TestKey;
  let verifier: JwtVerifier;

  before(async () => {
    rsa = await makeKey("rsa-1", "RS256");
    ec = await makeKey("ec-1", "ES256");
    ed = await makeKey("ed-1", "EdDSA");
    server = await startJwksServer([rsa.jwk, ec.jwk, ed.jwk]);
    verifier = new JwtVerifier({
      keys: jwksFromUrl(server.url, { cooldownMs: 0 }),
      issuer: ISSUER,
      audience: [AUDIENCE],
    });
  });
  after(() => server.close());

  test("good tokens from RSA, ECDSA and EdDSA keys give the sub principal and its roles", async () => {
    for (const key of [rsa, ec, ed]) {
      const check = await verifier.verify(await signWith(key, claims({ roles: ["reviewer", "auditor"] })));
      assert.deepEqual(check, {
        ok: true,
        principal: { id: "alice@example.test", roles: ["auditor", "reviewer"], via: "jwt" },
      });
    }
  });

  test("roles: a space-separated string, unknown names ignored, no claim means no roles", async () => {
    const rolesOf = async (extra: Record<string, unknown>) => {
      const check = await verifier.verify(await signWith(rsa, claims(extra)));
      assert.ok(check.ok);
      return check.principal.roles;
    };
    assert.deepEqual(await rolesOf({ roles: "admin writer" }), ["writer", "admin"]);
    assert.deepEqual(await rolesOf({ roles: ["root", "writer", 7, { r: 1 }] }), ["writer"]);
    assert.deepEqual(await rolesOf({ roles: undefined }), []);
    assert.deepEqual(await rolesOf({ roles: 42 }), []);
  });

  test("a configured roles claim, also as a dotted path (realm_access.roles)", async () => {
    const keycloak = new JwtVerifier({
      keys: jwksFromUrl(server.url, { cooldownMs: 0 }),
      issuer: ISSUER,
      audience: [AUDIENCE],
      rolesClaim: "realm_access.roles",
    });
    const check = await keycloak.verify(
      await signWith(rsa, claims({ roles: ["admin"], realm_access: { roles: ["auditor"] } })),
    );
    assert.ok(check.ok);
    assert.deepEqual(check.principal.roles, ["auditor"]);
    const namespaced = new JwtVerifier({
      keys: jwksFromUrl(server.url, { cooldownMs: 0 }),
      issuer: ISSUER,
      audience: [AUDIENCE],
      rolesClaim: "https://rmos.example/roles",
    });
    const check2 = await namespaced.verify(await signWith(rsa, claims({ "https://rmos.example/roles": "reviewer" })));
    assert.ok(check2.ok);
    assert.deepEqual(check2.principal.roles, ["reviewer"]);
  });

  test("alg none is refused, with or without a signature part", async () => {
    const unsecured = new UnsecuredJWT(claims()).encode();
    assert.equal(reasonOf(await verifier.verify(unsecured)), "malformed");
    assert.equal(reasonOf(await verifier.verify(`${unsecured}c2ln`)), "algorithm");
  });

  test("HS256 keyed with the public key (algorithm confusion) is refused", async () => {
    const pem = await exportSPKI(rsa.publicKey);
    for (const secret of [new TextEncoder().encode(pem), base64url.decode(rsa.jwk.n as string)]) {
      const forged = await new SignJWT(claims({ roles: ["admin"] }))
        .setProtectedHeader({ alg: "HS256", kid: rsa.kid })
        .sign(secret);
      assert.equal(reasonOf(await verifier.verify(forged)), "algorithm");
    }
  });

  test(`exp and nbf are checked with ${CLOCK_TOLERANCE_SECONDS} s of tolerance; exp is required`, async () => {
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ exp: now() - 60 })))), "expired");
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ exp: now() - 5 })))), "ok");
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ nbf: now() + 120 })))), "not_yet_valid");
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ nbf: now() + 5 })))), "ok");
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ exp: undefined })))), "claims");
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ exp: "tomorrow" })))), "claims");
  });

  test("wrong or missing issuer and audience are refused; one of several audiences is enough", async () => {
    for (const extra of [
      { iss: "https://evil.example/" },
      { iss: undefined },
      { aud: "other-service" },
      { aud: undefined },
      { aud: ["other", "another"] },
    ]) {
      assert.equal(
        reasonOf(await verifier.verify(await signWith(rsa, claims(extra)))),
        "claims",
        JSON.stringify(extra),
      );
    }
    assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ aud: ["other", AUDIENCE] })))), "ok");
  });

  test("a missing, reserved, empty or control-character sub is refused", async () => {
    const { sub: _sub, ...withoutSub } = claims();
    const missing = reasonOf(await verifier.verify(await signWith(rsa, withoutSub)));
    assert.ok(missing === "claims" || missing === "subject", missing);
    for (const sub of [
      "token:ci",
      "cli:root",
      "system:auto_explanation_green",
      "anonymous",
      "",
      "a\nb",
      "x".repeat(256),
    ]) {
      assert.equal(reasonOf(await verifier.verify(await signWith(rsa, claims({ sub })))), "subject", sub);
    }
  });

  test("a tampered payload or another key's signature is refused", async () => {
    const good = await signWith(rsa, claims());
    const [h, , s] = good.split(".");
    const evilPayload = base64url.encode(JSON.stringify(claims({ roles: ["admin"] })));
    assert.equal(reasonOf(await verifier.verify(`${h}.${evilPayload}.${s}`)), "signature");
    const impostor = await makeKey("rsa-1", "RS256");
    assert.equal(reasonOf(await verifier.verify(await signWith(impostor, claims()))), "signature");
    const flipped = `${good.slice(0, -4)}${good.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    assert.equal(reasonOf(await verifier.verify(flipped)), "signature");
  });

  test("an RSA key under 2048 bits is refused", async () => {
    // jose will not make such a key, so it is made and used with node:crypto.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "weak-1", alg: "RS256", use: "sig" };
    const input = `${base64url.encode(JSON.stringify({ alg: "RS256", kid: "weak-1" }))}.${base64url.encode(JSON.stringify(claims()))}`;
    const token = `${input}.${base64url.encode(sign("sha256", Buffer.from(input), privateKey))}`;
    server.serve([rsa.jwk, ec.jwk, ed.jwk, jwk]);
    try {
      assert.notEqual(reasonOf(await verifier.verify(token)), "ok");
    } finally {
      server.serve([rsa.jwk, ec.jwk, ed.jwk]);
    }
  });

  test("unknown kid: refused; after the provider rotates, the refetch finds the new key", async () => {
    const next = await makeKey("rsa-2", "RS256");
    const token = await signWith(next, claims());
    const before = server.fetches;
    assert.equal(reasonOf(await verifier.verify(token)), "unknown_key");
    assert.ok(server.fetches > before, "an unknown kid makes the verifier refetch");
    server.serve([rsa.jwk, next.jwk]);
    assert.equal(reasonOf(await verifier.verify(token)), "ok");
    server.serve([rsa.jwk, ec.jwk, ed.jwk]);
  });

  test("a flood of unknown kids does not refetch more than once per cool-down", async () => {
    const calm = new JwtVerifier({
      keys: jwksFromUrl(server.url, { cooldownMs: 60_000 }),
      issuer: ISSUER,
      audience: [AUDIENCE],
    });
    assert.equal(reasonOf(await calm.verify(await signWith(rsa, claims()))), "ok");
    const before = server.fetches;
    const stranger = await makeKey("nobody", "ES256");
    for (let i = 0; i < 20; i++) {
      assert.equal(reasonOf(await calm.verify(await signWith(stranger, claims({ jti: String(i) })))), "unknown_key");
    }
    assert.ok(server.fetches - before <= 1, `${server.fetches - before} refetches`);
  });

  test("an algorithm outside the configured subset is refused", async () => {
    const ecOnly = new JwtVerifier({
      keys: jwksFromUrl(server.url, { cooldownMs: 0 }),
      issuer: ISSUER,
      audience: [AUDIENCE],
      algorithms: ["ES256"],
    });
    assert.equal(reasonOf(await ecOnly.verify(await signWith(ec, claims()))), "ok");
    assert.equal(reasonOf(await ecOnly.verify(await signWith(rsa, claims()))), "algorithm");
  });

  test("oversized tokens and headers are refused before parsing", async () => {
    const big = await signWith(rsa, claims({ pad: "x".repeat(MAX_JWT_LENGTH) }));
    assert.equal(reasonOf(await verifier.verify(big)), "oversized");
    const bigHeader = await signWith(rsa, claims(), { pad: "y".repeat(2000) });
    assert.equal(reasonOf(await verifier.verify(bigHeader)), "oversized");
  });

  test("garbage is refused as malformed", async () => {
    const b = (v: unknown) => base64url.encode(typeof v === "string" ? v : JSON.stringify(v));
    for (const junk of [
      "",
      "abc",
      "a.b",
      "a.b.c.d.e",
      "....",
      "a..c",
      `${b("not json")}.${b(claims())}.${b("sig")}`,
      `${b([1, 2])}.${b(claims())}.${b("sig")}`,
      `${b({ alg: "RS256", kid: "rsa-1" })}.${b("not json")}.${b("sig")}`,
      `${b({ alg: "RS256", kid: "rsa-1" })}.${b([1])}.${b("sig")}`,
      "eyJ.eyJ.eyJ",
      "a.b.c=",
      "a b.c.d",
    ]) {
      const r = reasonOf(await verifier.verify(junk));
      assert.ok(["malformed", "signature"].includes(r), `${JSON.stringify(junk)} → ${r}`);
      assert.notEqual(r, "ok");
    }
  });

  test("constructing with a symmetric algorithm, none, or no audience is refused", () => {
    const keys = jwksFromUrl(server.url);
    assert.throws(
      () => new JwtVerifier({ keys, issuer: ISSUER, audience: [AUDIENCE], algorithms: ["HS256"] }),
      /HS256/,
    );
    assert.throws(() => new JwtVerifier({ keys, issuer: ISSUER, audience: [AUDIENCE], algorithms: ["none"] }), /none/);
    assert.throws(() => new JwtVerifier({ keys, issuer: ISSUER, audience: [AUDIENCE], algorithms: [] }));
    assert.throws(() => new JwtVerifier({ keys, issuer: ISSUER, audience: [] }), /audience/);
  });
});

describe("JWT verifier when the JWKS cannot be had", () => {
  test("unreachable, 500 or not JSON: reported as keys unavailable, never as ok", async () => {
    const key = await makeKey("k1");
    const token = await signWith(key, claims());
    const server = await startJwksServer([key.jwk]);
    const url = server.url;
    try {
      for (const mode of ["status500", "not_json"] as const) {
        server.fail(mode);
        const v = new JwtVerifier({ keys: jwksFromUrl(url, { cooldownMs: 0 }), issuer: ISSUER, audience: [AUDIENCE] });
        assert.equal(reasonOf(await v.verify(token)), "keys_unavailable", mode);
      }
    } finally {
      await server.close();
    }
    const gone = new JwtVerifier({
      keys: jwksFromUrl(url, { cooldownMs: 0, timeoutMs: 2000 }),
      issuer: ISSUER,
      audience: [AUDIENCE],
    });
    assert.equal(reasonOf(await gone.verify(token)), "keys_unavailable");
  });
});
