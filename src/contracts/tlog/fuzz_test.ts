/**
 * Hostile input never throws: every parser and verifier of the toolkit answers a
 * refusal (or a value) for arbitrary strings, JSON values and byte arrays — and
 * random mutations of a valid receipt and a valid note are refused, never accepted.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { encodeBase64 } from "./base64.js";
import { formatCheckpoint, parseCheckpoint } from "./checkpoint.js";
import { decodeEntryBundle } from "./entry_bundle.js";
import { leafHash } from "./hashing.js";
import { inclusionProof } from "./inclusion_proof.js";
import { leafText, parseLeafText } from "./leaf.js";
import { generateSigner, parseSignerKey, parseVerifierKey, verifierKeyOf } from "./note_keys.js";
import { verifyReceipt } from "./receipt.js";
import { openNote, signNote } from "./signed_note.js";
import { parseTilePath } from "./tile_path.js";
import { nodeSourceOfLeafHashes, rangeHash } from "./tree_hash.js";
import { verifyConsistency } from "./verify_consistency.js";
import { verifyInclusion } from "./verify_inclusion.js";

const { signer } = generateSigner("fuzz.test/log");
const KEY = verifierKeyOf(signer);
const texts = Array.from({ length: 9 }, (_, i) =>
  leafText({ type: "run", id: `f${i}`, sha256: "c".repeat(64), created_at_utc: "2026-11-09T00:00:00Z" }),
);
const source = nodeSourceOfLeafHashes(texts.map((t) => leafHash(t)));
const note = signNote(formatCheckpoint({ origin: "fuzz.test/log", size: 9, root: rangeHash(0, 9, source) }), signer);
const receipt = {
  leaf_index: 6,
  leaf: texts[6] as string,
  inclusion_proof: inclusionProof(6, 9, source).map(encodeBase64),
  checkpoint: note,
};

describe("hostile input", () => {
  test("parsers never throw on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        for (const r of [
          parseTilePath(s),
          parseCheckpoint(s),
          parseLeafText(s),
          parseVerifierKey(s),
          parseSignerKey(s),
          openNote(s, []),
          verifyReceipt(s, KEY),
          verifyReceipt(receipt, s),
        ]) {
          assert.equal(typeof r.ok, "boolean");
        }
      }),
      { numRuns: 800 },
    );
  });

  test("verifiers never throw on arbitrary JSON and bytes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 80 }), fc.integer(), fc.integer(), (json, bytes, a, b) => {
        assert.equal(verifyReceipt(json, KEY).ok, false);
        assert.equal(verifyReceipt({ ...receipt, inclusion_proof: json }, KEY).ok, false);
        assert.equal(typeof decodeEntryBundle(bytes).ok, "boolean");
        assert.equal(verifyInclusion(a, b, bytes, [bytes], bytes).ok, false);
        assert.equal(typeof verifyConsistency(a, b, bytes, bytes, [bytes]).ok, "boolean");
      }),
      { numRuns: 600 },
    );
  });

  test("any one-character change to a valid receipt's leaf or checkpoint is refused", () => {
    assert.ok(verifyReceipt(receipt, KEY).ok);
    fc.assert(
      fc.property(
        fc.constantFrom("leaf" as const, "checkpoint" as const),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
        (field, at, ch) => {
          const value = receipt[field];
          const i = at % value.length;
          if (value[i] === ch) return;
          const mutated = { ...receipt, [field]: value.slice(0, i) + ch + value.slice(i + 1) };
          assert.equal(verifyReceipt(mutated, KEY).ok, false, `${field}[${i}] = ${JSON.stringify(ch)}`);
        },
      ),
      { numRuns: 800 },
    );
  });

  test("any one-character change to a signed note is refused", () => {
    const verifier = parseVerifierKey(KEY);
    assert.ok(verifier.ok);
    fc.assert(
      fc.property(fc.nat(), fc.string({ minLength: 1, maxLength: 1, unit: "binary" }), (at, ch) => {
        const i = at % note.length;
        if (note[i] === ch) return;
        const mutated = note.slice(0, i) + ch + note.slice(i + 1);
        const opened = openNote(mutated, [verifier.verifier]);
        // Base64 has no slack in canonical form, so no one-character change can keep a valid signature.
        assert.equal(opened.ok, false, `${i} = ${JSON.stringify(ch)}`);
      }),
      { numRuns: 800 },
    );
  });
});
