/**
 * Sealed sessions, adversarially: a sealed session opens under its key and nowhere
 * else; every flipped byte, truncation, foreign key, expired or future-dated session,
 * forged plaintext and wrong shape is refused; CSRF tokens compare exactly.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import { csrfMatches, newSession, openSession, sealSession } from "./session_seal.js";

const key = crypto.randomBytes(32);
const NOW = 1_800_000_000;

describe("sealed console sessions", () => {
  it("opens what it sealed, and two seals of one session differ (fresh nonce)", () => {
    const s = newSession("rmos_tok_x_secret", NOW, 3600);
    const a = sealSession(key, s);
    const b = sealSession(key, s);
    assert.notEqual(a, b);
    assert.deepEqual(openSession(key, a, NOW + 10), s);
    assert.deepEqual(openSession(key, b, NOW + 10), s);
    assert.ok(!a.includes("rmos_tok"), "the credential is not readable in the cookie");
  });

  it("refuses every single flipped byte", () => {
    const sealed = sealSession(key, newSession("t", NOW, 3600));
    const raw = Buffer.from(sealed, "base64url");
    for (let i = 0; i < raw.length; i++) {
      const copy = Buffer.from(raw);
      copy[i] = (copy[i] as number) ^ 0x01;
      assert.equal(openSession(key, copy.toString("base64url"), NOW), undefined, `byte ${i}`);
    }
  });

  it("refuses truncated, extended, empty and non-base64url values", () => {
    const sealed = sealSession(key, newSession(null, NOW, 3600));
    for (const bad of [
      sealed.slice(0, -1),
      sealed.slice(0, 20),
      `${sealed}A`,
      "",
      "!!!!",
      `${sealed}.x`,
      "a".repeat(7000),
    ]) {
      assert.equal(openSession(key, bad, NOW), undefined, bad.slice(0, 30));
    }
  });

  it("refuses a session sealed under another key (swapped between installations)", () => {
    const other = crypto.randomBytes(32);
    const sealed = sealSession(other, newSession("t", NOW, 3600));
    assert.equal(openSession(key, sealed, NOW), undefined);
    assert.ok(openSession(other, sealed, NOW));
  });

  it("refuses an expired session, and one issued in the future", () => {
    const s = newSession("t", NOW, 60);
    const sealed = sealSession(key, s);
    assert.ok(openSession(key, sealed, NOW + 59));
    assert.equal(openSession(key, sealed, NOW + 60), undefined);
    assert.equal(openSession(key, sealed, NOW + 10_000), undefined);
    assert.equal(openSession(key, sealed, NOW - 3600), undefined, "iat far in the future of the clock");
  });

  it("refuses an authentic seal of something that is not a session", () => {
    const seal = (value: unknown) => {
      const nonce = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
      cipher.setAAD(Buffer.from("rmos-console-session/1"));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
    };
    const good = newSession("t", NOW, 60);
    assert.ok(openSession(key, seal(good), NOW));
    for (const bad of [
      { ...good, v: 2 },
      { ...good, csrf: "short" },
      { ...good, tok: 5 },
      { ...good, exp: "never" },
      "text",
      null,
      [good],
    ]) {
      assert.equal(openSession(key, seal(bad), NOW), undefined, JSON.stringify(bad));
    }
  });

  it("refuses a seal made with another associated-data label", () => {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(Buffer.from("some-other-purpose"));
    const body = Buffer.concat([cipher.update(JSON.stringify(newSession("t", NOW, 60))), cipher.final()]);
    assert.equal(
      openSession(key, Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url"), NOW),
      undefined,
    );
  });

  it("CSRF tokens: only this session's exact token matches", () => {
    const s = newSession(null, NOW, 60);
    const other = newSession(null, NOW, 60);
    assert.equal(csrfMatches(s, s.csrf), true);
    assert.equal(csrfMatches(s, other.csrf), false);
    assert.equal(csrfMatches(s, undefined), false);
    assert.equal(csrfMatches(s, ""), false);
    assert.equal(csrfMatches(s, `${s.csrf}x`), false);
    assert.equal(csrfMatches(s, s.csrf.slice(0, -1)), false);
    assert.equal(csrfMatches(s, [s.csrf] as unknown), false);
    assert.notEqual(s.sid, other.sid);
  });
});
