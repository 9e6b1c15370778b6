/**
 * The authentication settings: the secure default (off only on loopback, refused
 * elsewhere with a message that says how), explicit off with its warning, and the
 * OIDC variables with each misconfiguration refused.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../config.js";
import { loadAuthConfig } from "./auth_config.js";
import { ASYMMETRIC_ALGORITHMS } from "./jwt_verifier.js";

const OIDC = {
  RMOS_AUTH: "on",
  RMOS_AUTH_JWKS_URL: "https://idp.example.com/.well-known/jwks.json",
  RMOS_AUTH_ISSUER: "https://idp.example.com/",
  RMOS_AUTH_AUDIENCE: "rmos-runs",
};

test("without RMOS_AUTH: off on loopback, no warning", () => {
  for (const host of ["127.0.0.1", "::1", "localhost"]) {
    assert.deepEqual(loadAuthConfig({}, host), { mode: "off", warnings: [] });
  }
  assert.deepEqual(loadAuthConfig({ RMOS_AUTH: "" }, "127.0.0.1"), { mode: "off", warnings: [] });
});

test("without RMOS_AUTH on a non-loopback HOST: refused, saying how", () => {
  for (const host of ["0.0.0.0", "::", "10.1.2.3", "rmos.internal"]) {
    assert.throws(
      () => loadAuthConfig({}, host),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes(`HOST=${host}`) &&
        e.message.includes("RMOS_AUTH=on") &&
        e.message.includes("RMOS_AUTH=off") &&
        e.message.includes("rmos tokens create"),
    );
  }
});

test("RMOS_AUTH=off on a non-loopback HOST: allowed, with a warning for every start", () => {
  const config = loadAuthConfig({ RMOS_AUTH: "off" }, "0.0.0.0");
  assert.equal(config.mode, "off");
  assert.equal(config.warnings.length, 1);
  assert.match(config.warnings[0] ?? "", /not loopback/);
  assert.deepEqual(loadAuthConfig({ RMOS_AUTH: "off" }, "127.0.0.1").warnings, []);
  assert.match(loadAuthConfig({ ...OIDC, RMOS_AUTH: "off" }, "127.0.0.1").warnings.join(), /ignored/);
});

test("RMOS_AUTH=on: tokens only, or with OIDC (defaults: roles claim, every asymmetric algorithm)", () => {
  assert.deepEqual(loadAuthConfig({ RMOS_AUTH: "on" }, "0.0.0.0"), { mode: "on", warnings: [] });
  const config = loadAuthConfig(OIDC, "0.0.0.0");
  assert.equal(config.mode, "on");
  assert.equal(config.oidc?.jwksUrl?.href, OIDC.RMOS_AUTH_JWKS_URL);
  assert.equal(config.oidc?.issuer, OIDC.RMOS_AUTH_ISSUER);
  assert.deepEqual(config.oidc?.audience, ["rmos-runs"]);
  assert.equal(config.oidc?.rolesClaim, "roles");
  assert.deepEqual(config.oidc?.algorithms, [...ASYMMETRIC_ALGORITHMS]);
  const custom = loadAuthConfig(
    {
      ...OIDC,
      RMOS_AUTH_JWKS_URL: undefined,
      RMOS_AUTH_JWKS_FILE: "/etc/rmos/jwks.json",
      RMOS_AUTH_AUDIENCE: "a, b",
      RMOS_AUTH_ROLES_CLAIM: "realm_access.roles",
      RMOS_AUTH_ALGORITHMS: "ES256,EdDSA",
    },
    "127.0.0.1",
  );
  assert.equal(custom.oidc?.jwksFile, "/etc/rmos/jwks.json");
  assert.deepEqual(custom.oidc?.audience, ["a", "b"]);
  assert.equal(custom.oidc?.rolesClaim, "realm_access.roles");
  assert.deepEqual(custom.oidc?.algorithms, ["ES256", "EdDSA"]);
  assert.equal(
    loadAuthConfig({ ...OIDC, RMOS_AUTH_JWKS_URL: "http://127.0.0.1:9999/jwks" }, "::1").oidc?.jwksUrl?.port,
    "9999",
  );
});

test("misconfigurations are refused, each naming the variable", () => {
  const refused: Array<[Record<string, string | undefined>, RegExp]> = [
    [{ RMOS_AUTH: "yes" }, /RMOS_AUTH: "yes"/],
    [{ RMOS_AUTH: "ON" }, /RMOS_AUTH/],
    [{ ...OIDC, RMOS_AUTH_JWKS_FILE: "/x.json" }, /not both/],
    [{ ...OIDC, RMOS_AUTH_ISSUER: undefined }, /RMOS_AUTH_ISSUER/],
    [{ ...OIDC, RMOS_AUTH_AUDIENCE: undefined }, /RMOS_AUTH_AUDIENCE/],
    [{ ...OIDC, RMOS_AUTH_AUDIENCE: " , " }, /RMOS_AUTH_AUDIENCE/],
    [{ RMOS_AUTH: "on", RMOS_AUTH_ISSUER: "https://x/" }, /without RMOS_AUTH_JWKS_URL/],
    [{ ...OIDC, RMOS_AUTH_JWKS_URL: "http://idp.example.com/jwks" }, /https/],
    [{ ...OIDC, RMOS_AUTH_JWKS_URL: "not a url" }, /not a URL/],
    [{ ...OIDC, RMOS_AUTH_JWKS_URL: "file:///etc/jwks.json" }, /https/],
    [{ ...OIDC, RMOS_AUTH_ALGORITHMS: "RS256,HS256" }, /HS256 refused/],
    [{ ...OIDC, RMOS_AUTH_ALGORITHMS: "none" }, /none refused/],
  ];
  for (const [env, pattern] of refused) {
    assert.throws(
      () => loadAuthConfig(env, "0.0.0.0"),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
      JSON.stringify(env),
    );
  }
});
