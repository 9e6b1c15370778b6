/**
 * RFC 8785 canonicalization: every published test vector, and the values that have no
 * canonical form (lone surrogates, NaN, Infinity, too deep) refused with a clear error.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import fc from "fast-check";
import { fixturePath } from "../testing/paths.js";
import { CanonicalJsonError, MAX_CANONICAL_DEPTH, canonicalize } from "./jcs.js";
import { canonicalSha256, sha256Hex } from "./hashing.js";

describe("RFC 8785 test vectors (fixtures/jcs)", () => {
  const names = fs.readdirSync(fixturePath("jcs", "input")).filter((n) => n.endsWith(".json"));
  test("there are vectors to check", () => assert.ok(names.length >= 6));
  for (const name of names) {
    test(`${name} canonicalizes to the expected bytes`, () => {
      const input = JSON.parse(fs.readFileSync(fixturePath("jcs", "input", name), "utf8"));
      const expected = fs.readFileSync(fixturePath("jcs", "output", name), "utf8");
      assert.equal(canonicalize(input), expected);
    });
  }
});

describe("values without a canonical form are refused", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["a lone high surrogate", { a: "x\uD800" }, /lone surrogate at \/a/],
    ["a lone low surrogate in a key", { "\uDC00": 1 }, /lone surrogate/],
    ["NaN", [1, Number.NaN], /NaN has no JSON form at \/1/],
    ["Infinity", { n: Number.POSITIVE_INFINITY }, /Infinity/],
    ["-Infinity", Number.NEGATIVE_INFINITY, /Infinity/],
    ["a bigint", { b: 1n }, /bigint/],
    ["undefined in an array", [undefined], /undefined/],
    ["a Date", { d: new Date(0) }, /plain objects/],
    ["a function", { f: () => 1 }, /function/],
  ];
  for (const [what, value, message] of cases) {
    test(`${what} → CanonicalJsonError`, () => {
      assert.throws(
        () => canonicalize(value),
        (e: unknown) => e instanceof CanonicalJsonError && message.test(e.message),
      );
    });
  }
  test(`nesting deeper than ${MAX_CANONICAL_DEPTH} is refused, not a stack overflow`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(() => canonicalize(deep), CanonicalJsonError);
  });
  test("a valid surrogate pair is kept", () => assert.equal(canonicalize("\uD83D\uDE00"), '"😀"'));
  test("-0 is written 0", () => assert.equal(canonicalize(-0), "0"));
  test("undefined object members are left out, as in JSON", () =>
    assert.equal(canonicalize({ a: undefined, b: 1 }), '{"b":1}'));
});

describe("canonical form properties", () => {
  test("it is JSON that parses back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        assert.deepEqual(JSON.parse(canonicalize(v)), JSON.parse(JSON.stringify(v)));
      }),
    );
  });
  test("member order does not change it", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        assert.equal(canonicalize(obj), canonicalize(reversed));
      }),
    );
  });
  test("hashes are SHA-256 over the canonical UTF-8 text", () => {
    assert.equal(canonicalSha256({ b: 1, a: "é" }), sha256Hex('{"a":"é","b":1}'));
    assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
