/**
 * The token format: what is minted, what parses, and the digest comparison —
 * adversarial inputs included (near-miss formats, another token's digest, a corrupt
 * stored digest).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { digestMatches, looksLikeApiToken, mintToken, parseToken, TOKEN_ID_PATTERN, tokenDigest } from "./api_token.js";

test("a minted token: rmos_ + tok_<ULID> + _ + 256-bit base64url secret; the digest is SHA-256 of the token", () => {
  const at = new Date("2026-05-01T12:00:00.000Z");
  const minted = mintToken(at);
  assert.match(minted.token_id, TOKEN_ID_PATTERN);
  assert.ok(minted.token.startsWith(`rmos_${minted.token_id}_`));
  const secret = minted.token.slice(`rmos_${minted.token_id}_`.length);
  assert.equal(Buffer.from(secret, "base64url").length, 32);
  assert.equal(minted.secret_sha256, tokenDigest(minted.token));
  assert.match(minted.secret_sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(parseToken(minted.token), { token_id: minted.token_id });
  assert.ok(looksLikeApiToken(minted.token));
});

test("every minted token is different (100 of them)", () => {
  const tokens = new Set(Array.from({ length: 100 }, () => mintToken().token));
  assert.equal(tokens.size, 100);
});

test("near misses do not parse", () => {
  const { token, token_id } = mintToken();
  const secret = token.slice(`rmos_${token_id}_`.length);
  for (const bad of [
    `${token}x`,
    token.slice(0, -1),
    ` ${token}`,
    token.toUpperCase(),
    `rmos_${token_id}.${secret}`,
    `RMOS_${token_id}_${secret}`,
    `rmos_${token_id.toLowerCase()}_${secret}`,
    `rmos_tok_${"I".repeat(26)}_${secret}`,
    `rmos_${token_id}_${secret.slice(0, 42)}=`,
    `rmos_${token_id}_${secret.slice(0, 42)}+`,
    `rmos_${token_id}__${secret.slice(1)}`.slice(0, token.length - 1),
    "",
  ]) {
    assert.equal(parseToken(bad), undefined, bad);
  }
});

test("digestMatches: the right token only; another token's digest or a corrupt one never match", () => {
  const a = mintToken();
  const b = mintToken();
  assert.equal(digestMatches(a.token, a.secret_sha256), true);
  assert.equal(digestMatches(b.token, a.secret_sha256), false);
  assert.equal(digestMatches(`${a.token.slice(0, -1)}A`, a.secret_sha256), a.token.endsWith("A"));
  assert.equal(digestMatches(a.token, a.secret_sha256.slice(0, 62)), false);
  assert.equal(digestMatches(a.token, ""), false);
  assert.equal(digestMatches(a.token, "zz".repeat(32)), false);
  assert.equal(digestMatches(a.token, a.secret_sha256.toUpperCase()), true, "hex case does not matter to Buffer");
});
