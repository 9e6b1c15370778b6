/**
 * Tests of signed notes and note keys: the Go sumdb/note known answer (the
 * PeterNeumann key signs its example note byte for byte; Ed25519 is deterministic),
 * key ids from SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key), strict key parsing, and the
 * signed-note rules — another key's signature alone is refused, an extra unknown
 * signature is ignored only when a known one verifies, a known key whose signature
 * fails rejects the note, and malformed notes are refused.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { generateSigner, keyIdOf, parseSignerKey, parseVerifierKey, verifierKeyOf } from "./note_keys.js";
import { openNote, parseNote, signNote } from "./signed_note.js";

const GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const ENOCH_VERIFIER = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

function verifier(text: string) {
  const v = parseVerifierKey(text);
  assert.ok(v.ok, v.ok ? "" : v.reason);
  return v.verifier;
}

function signer(text: string) {
  const s = parseSignerKey(text);
  assert.ok(s.ok, s.ok ? "" : s.reason);
  return s.signer;
}

describe("note keys", () => {
  test("the Go known answer: same key id, same verifier key, same signed note", () => {
    const s = signer(GO_SIGNER);
    assert.equal(s.keyId, 0xc74f20a3);
    assert.equal(verifierKeyOf(s), GO_VERIFIER);
    assert.equal(signNote(GO_TEXT, s), GO_NOTE);
    const opened = openNote(GO_NOTE, [verifier(GO_VERIFIER)]);
    assert.ok(opened.ok);
    assert.equal(opened.text, GO_TEXT);
  });

  test("the key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)", () => {
    const { signer: s } = generateSigner("example.com/log");
    const digest = createHash("sha256")
      .update(Buffer.concat([Buffer.from("example.com/log\n"), Buffer.of(1), s.publicKey]))
      .digest();
    assert.equal(keyIdOf(s.name, s.publicKey), digest.readUInt32BE(0));
    assert.equal(s.keyId, digest.readUInt32BE(0));
  });

  test("generated keys round-trip through their texts", () => {
    const { signer: s, signerKey } = generateSigner("rmos.localhost/log");
    const again = signer(signerKey);
    assert.deepEqual(Buffer.from(again.publicKey), Buffer.from(s.publicKey));
    const v = verifier(verifierKeyOf(s));
    assert.equal(v.name, "rmos.localhost/log");
    assert.equal(v.keyId, s.keyId);
  });

  test("malformed or inconsistent verifier keys are refused", () => {
    const bad = [
      "",
      "PeterNeumann",
      "PeterNeumann+c74f20a3",
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // upper-case hex
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong id
      "PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // other name
      "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // not base64 of 33 bytes
      "PeterNeumann+c74f20a3+AhpcZQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong type byte
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n",
      " PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ];
    for (const text of bad) assert.equal(parseVerifierKey(text).ok, false, JSON.stringify(text));
    for (let i = 0; i < GO_VERIFIER.length; i++) {
      assert.equal(parseVerifierKey(GO_VERIFIER.slice(0, i)).ok, false, `prefix ${i}`);
    }
  });

  test("malformed signer keys are refused", () => {
    assert.equal(parseSignerKey(GO_VERIFIER).ok, false);
    assert.equal(parseSignerKey(GO_SIGNER.replace("c74f20a3", "c74f20a4")).ok, false);
    assert.equal(parseSignerKey(GO_SIGNER.slice(0, -4)).ok, false);
  });
});

describe("signed notes", () => {
  const peter = () => signer(GO_SIGNER);
  const other = generateSigner("PeterNeumann").signer; // same name, another key (another id)
  const stranger = generateSigner("stranger.example/log").signer;

  test("a note signed only by another key is refused", () => {
    const note = signNote(GO_TEXT, stranger);
    const opened = openNote(note, [verifier(GO_VERIFIER)]);
    assert.equal(opened.ok, false);
    assert.match(opened.ok ? "" : opened.reason, /no signature by a known key/);
    assert.equal(openNote(signNote(GO_TEXT, other), [verifier(GO_VERIFIER)]).ok, false);
  });

  test("an extra unknown signature is ignored when a known one verifies", () => {
    for (const note of [signNote(GO_TEXT, peter(), stranger), signNote(GO_TEXT, stranger, other, peter())]) {
      const opened = openNote(note, [verifier(GO_VERIFIER)]);
      assert.ok(opened.ok, opened.ok ? "" : opened.reason);
      assert.equal(opened.text, GO_TEXT);
    }
  });

  test("an unknown signature sharing the known key's name and id is not ignored silently: it fails the note", () => {
    // Same (name, id) as the known key but a forged signature: the known key's signature must verify.
    const forged = GO_NOTE.replace("x08go/ZJ", "x08go/ZK");
    assert.equal(openNote(forged, [verifier(GO_VERIFIER)]).ok, false);
    const withForgedExtra = `${GO_NOTE.slice(0, -1)}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAQ=\n`;
    assert.equal(openNote(withForgedExtra, [verifier(GO_VERIFIER)]).ok, false);
  });

  test("a note whose text changed is refused", () => {
    assert.equal(openNote(GO_NOTE.replace("cryptography", "cryptographY"), [verifier(GO_VERIFIER)]).ok, false);
    assert.equal(openNote(GO_NOTE, [verifier(ENOCH_VERIFIER)]).ok, false);
  });

  test("malformed notes are refused", () => {
    const v = [verifier(GO_VERIFIER)];
    const bad = [
      GO_TEXT, // no signatures
      GO_NOTE.slice(0, -1), // no final newline
      GO_NOTE.replace("— ", "- "), // not an em dash
      GO_NOTE.replace("— PeterNeumann ", "— PeterNeumann  "), // two spaces
      GO_NOTE.replace("— PeterNeumann ", "—PeterNeumann "),
      GO_NOTE.replace("AM=\n", "AM\n"), // non-canonical base64
      GO_NOTE.replace("If you", "If\tyou"), // control character
      GO_NOTE.replace("If you", "If\ryou"),
      `${GO_NOTE}\n`,
      `${GO_TEXT}\n— PeterNeumann AAAA\n`, // shorter than a key id and a signature
      `${GO_TEXT}\n— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    ];
    for (const note of bad) assert.equal(openNote(note, v).ok, false, JSON.stringify(note));
    assert.equal(openNote(`${GO_NOTE}${GO_NOTE.slice(GO_TEXT.length + 1)}`, v).ok, false, "the same key twice");
  });

  test("the text ends at the last blank line", () => {
    const text = "line one\n\nline three\n";
    const note = signNote(text, stranger);
    const parsed = parseNote(note);
    assert.ok(parsed.ok);
    assert.equal(parsed.text, text);
    assert.equal(parsed.signatures.length, 1);
    assert.ok(openNote(note, [verifier(verifierKeyOf(stranger))]).ok);
  });

  test("signing refuses text without a final newline", () => {
    assert.throws(() => signNote("no newline", stranger), RangeError);
  });
});
