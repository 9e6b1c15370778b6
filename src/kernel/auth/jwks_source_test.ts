/**
 * JWKS files: a public key set is used; a symmetric key, private key material, no
 * keys, not JSON or an unreadable file each stop the start with a message that says
 * which key and why.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { exportJWK, jwtVerify } from "jose";
import { makeKey, signWith } from "../../testing/jwks_server.js";
import { checkPublicKeySet, JwksError, jwksFromFile } from "./jwks_source.js";

test("a JWKS file of public keys verifies tokens of those keys", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-jwks-"));
  try {
    const key = await makeKey("file-1", "ES256");
    const file = path.join(dir, "jwks.json");
    fs.writeFileSync(file, JSON.stringify({ keys: [key.jwk] }));
    const keys = jwksFromFile(file);
    const token = await signWith(key, { sub: "s", exp: Math.floor(Date.now() / 1000) + 60 });
    const { payload } = await jwtVerify(token, keys, { algorithms: ["ES256"] });
    assert.equal(payload.sub, "s");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("refused: private key material, symmetric keys, no keys, not a key set, not JSON, no file", async () => {
  const key = await makeKey("p-1", "RS256");
  const privateJwk = await exportJWK(key.privateKey);
  assert.throws(() => checkPublicKeySet({ keys: [key.jwk, privateJwk] }, "f"), /key 1 holds private key material/);
  assert.throws(() => checkPublicKeySet({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }, "f"), /symmetric/);
  assert.throws(() => checkPublicKeySet({ keys: [] }, "f"), /no keys/);
  assert.throws(() => checkPublicKeySet({ keys: "x" }, "f"), /not a JSON Web Key Set/);
  assert.throws(() => checkPublicKeySet([key.jwk], "f"), /not a JSON Web Key Set/);
  assert.throws(() => checkPublicKeySet({ keys: [null] }, "f"), /not an object/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-jwks-"));
  try {
    const file = path.join(dir, "jwks.json");
    fs.writeFileSync(file, "{ not json");
    assert.throws(
      () => jwksFromFile(file),
      (e: unknown) => e instanceof JwksError && /is not JSON/.test(e.message),
    );
    assert.throws(() => jwksFromFile(path.join(dir, "missing.json")), /cannot be read/);
    fs.writeFileSync(file, JSON.stringify({ keys: [privateJwk] }));
    assert.throws(() => jwksFromFile(file), /private key material/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
