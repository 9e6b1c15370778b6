/**
 * Checking tokens against a real SQLite store: the principal of a good token, and
 * each refusal — malformed, unknown id, right id with a wrong secret, revoked (seen at
 * once, also by a verifier on another connection), expired by the clock.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mintToken } from "./api_token.js";
import { migratedTokenDb } from "../../testing/token_db.js";
import { issueToken, TokenRequestError } from "./token_issuer.js";
import { TokenVerifier } from "./token_verifier.js";

test("a good token gives token:<name> with its roles; each bad one is refused with its reason", async () => {
  const db = await migratedTokenDb();
  try {
    const store = db.open();
    let now = new Date("2026-06-01T00:00:00.000Z");
    const verifier = new TokenVerifier(store, () => now);
    const other = new TokenVerifier(db.open(), () => now);
    const issued = await issueToken(store, {
      name: "ci",
      roles: ["reviewer", "writer"],
      expiresInMs: 60_000,
      createdBy: "cli:alice",
      now,
    });
    assert.deepEqual(await verifier.verify(issued.token), {
      ok: true,
      principal: { id: "token:ci", roles: ["writer", "reviewer"], via: "token", token_id: issued.token_id },
    });

    assert.deepEqual(await verifier.verify("rmos_nonsense"), { ok: false, reason: "malformed" });
    const stranger = mintToken();
    assert.deepEqual(await verifier.verify(stranger.token), {
      ok: false,
      reason: "unknown",
      token_id: stranger.token_id,
    });
    const wrongSecret = `rmos_${issued.token_id}_${stranger.token.slice(-43)}`;
    assert.deepEqual(await verifier.verify(wrongSecret), { ok: false, reason: "mismatch", token_id: issued.token_id });

    now = new Date(now.getTime() + 59_999);
    assert.equal((await verifier.verify(issued.token)).ok, true, "valid until the last millisecond");
    now = new Date(now.getTime() + 1);
    assert.deepEqual(await verifier.verify(issued.token), { ok: false, reason: "expired", token_id: issued.token_id });

    now = new Date("2026-06-01T00:00:00.000Z");
    assert.equal((await other.verify(issued.token)).ok, true);
    await store.revoke(issued.token_id, now, "cli:alice");
    assert.deepEqual(await verifier.verify(issued.token), { ok: false, reason: "revoked", token_id: issued.token_id });
    assert.deepEqual(await other.verify(issued.token), { ok: false, reason: "revoked", token_id: issued.token_id });
  } finally {
    db.dispose();
  }
});

test("issueToken refuses a bad name or no roles, and stores only the digest", async () => {
  const db = await migratedTokenDb();
  try {
    const store = db.open();
    for (const name of ["", "-x", "a b", "x".repeat(65), "token:ci", "ci\n"]) {
      await assert.rejects(issueToken(store, { name, roles: ["writer"], createdBy: "cli:a" }), TokenRequestError, name);
    }
    await assert.rejects(issueToken(store, { name: "ci", roles: [], createdBy: "cli:a" }), TokenRequestError);
    const issued = await issueToken(store, { name: "ci", roles: ["admin"], createdBy: "cli:a" });
    assert.equal(issued.expires_at_utc, null);
    const row = await store.find(issued.token_id);
    assert.ok(row);
    assert.equal(JSON.stringify(row).includes(issued.token), false, "the token itself is not stored");
    assert.equal(JSON.stringify(row).includes(issued.token.slice(-43)), false, "nor its secret");
  } finally {
    db.dispose();
  }
});
