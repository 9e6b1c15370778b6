/**
 * OIDC through the kernel: the service configured with RMOS_AUTH_JWKS_URL (a real JWKS
 * served on loopback, keys made in the test), RMOS_AUTH_ISSUER and RMOS_AUTH_AUDIENCE
 * accepts a JWT from that issuer: its `sub` is the principal recorded as created_by and
 * the reviewer, its roles claim decides the operations; a JWT for another audience, an
 * expired one or one signed by an unknown key is 401; keys that cannot be fetched are
 * 503; a JWKS file with a private key stops the start. API tokens keep working beside JWTs.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ConfigError } from "../../src/kernel/config.js";
import { exportJWK } from "jose";
import { type AuthKernel, startAuthKernel, withBearer } from "../../src/testing/auth_kernel.js";
import { makeKey, signWith, startJwksServer, type JwksServer, type TestKey } from "../../src/testing/jwks_server.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

const ISSUER = "https://idp.example.test/";
const AUDIENCE = "rmos-runs";

describe("OIDC JWTs through the kernel", () => {
  let jwks: JwksServer;
  let key: TestKey;
  let stranger: TestKey;
  let k: AuthKernel;
  const jwt = (claims: Record<string, unknown>, signer = key) =>
    signWith(signer, { iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, ...claims });

  before(async () => {
    key = await makeKey("k1");
    stranger = await makeKey("k-unknown");
    jwks = await startJwksServer([key.jwk]);
    k = await startAuthKernel(
      { ci: ["writer"] },
      {
        env: {
          RMOS_AUTH_JWKS_URL: jwks.url.href,
          RMOS_AUTH_ISSUER: ISSUER,
          RMOS_AUTH_AUDIENCE: AUDIENCE,
          RMOS_AUTH_ROLES_CLAIM: "realm_access.roles",
        },
      },
    );
  });
  after(async () => {
    await k.close();
    await jwks.close();
  });

  test("a JWT's sub is the principal; its roles claim decides; an API token works beside it", async () => {
    const reviewer = await jwt({ sub: "alice@example.com", realm_access: { roles: ["reviewer"] } });
    const writer = await jwt({ sub: "bob@example.com", realm_access: { roles: ["writer", "unknown-role"] } });
    const run = await k.t.request("runs", withBearer(writer, jsonBody(sampleRunRequest())));
    assert.equal(run.status, 201, await run.clone().text());
    assert.equal(((await run.json()) as { created_by: string }).created_by, "bob@example.com");
    assert.equal((await k.t.request("runs", withBearer(reviewer, jsonBody(sampleRunRequest())))).status, 403);
    const asset = (await (
      await k.t.request(
        "advisories",
        k.as("ci", jsonBody({ asset_type: "EXPLANATION", source: "ai", provider: "t", suggestion_data: { x: 1 } })),
      )
    ).json()) as { asset_id: string; created_by: string };
    assert.equal(asset.created_by, "token:ci");
    const reviewed = await k.t.request(
      `advisories/${asset.asset_id}/review`,
      withBearer(reviewer, jsonBody({ decision: "approve" })),
    );
    assert.equal(reviewed.status, 201);
    assert.equal(
      ((await reviewed.json()) as { review: { reviewer_id: string } }).review.reviewer_id,
      "alice@example.com",
    );
  });

  test("another audience, an expired JWT, an unknown key, a reserved subject: 401", async () => {
    const cases = [
      await jwt({ sub: "bob", aud: "someone-else", realm_access: { roles: ["writer"] } }),
      await jwt({ sub: "bob", exp: Math.floor(Date.now() / 1000) - 3600, realm_access: { roles: ["writer"] } }),
      await jwt({ sub: "bob", realm_access: { roles: ["writer"] } }, stranger),
      await jwt({ sub: "token:ci", realm_access: { roles: ["writer"] } }),
    ];
    for (const credential of cases) {
      const res = await k.t.request("runs", withBearer(credential));
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    }
  });

  test("keys that cannot be fetched: 503, not 401", async () => {
    const down = await startJwksServer([key.jwk]);
    down.fail("status500");
    const t = await startTestKernel({
      env: {
        RMOS_AUTH: "on",
        RMOS_AUTH_JWKS_URL: down.url.href,
        RMOS_AUTH_ISSUER: ISSUER,
        RMOS_AUTH_AUDIENCE: AUDIENCE,
      },
    });
    try {
      const res = await t.request("runs", withBearer(await jwt({ sub: "bob", roles: ["auditor"] })));
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { type: string }).type, "urn:rmos:problem:identity-provider-unavailable");
    } finally {
      await t.close();
      await down.close();
    }
  });

  test("a JWKS file holding a private key stops the start with a configuration error", async () => {
    const dir = tempDir();
    const file = path.join(dir, "jwks.json");
    fs.writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(key.privateKey)), kid: "k1" }] }));
    try {
      await assert.rejects(
        startTestKernel({
          dataDir: dir,
          env: { RMOS_AUTH: "on", RMOS_AUTH_JWKS_FILE: file, RMOS_AUTH_ISSUER: ISSUER, RMOS_AUTH_AUDIENCE: AUDIENCE },
        }),
        (e: unknown) => e instanceof ConfigError && /private key material/.test(e.message),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
