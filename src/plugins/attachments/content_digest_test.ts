/**
 * Unit tests of the upload's digest claims: Content-Digest (RFC 9530) members,
 * algorithms this service cannot check, malformed values, ?sha256 in any hex case,
 * and two claims that disagree.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { contentDigestOf, DigestClaimError, expectedSha256, sha256FromContentDigest } from "./content_digest.js";

const hex = createHash("sha256").update("hello").digest("hex");
const b64 = Buffer.from(hex, "hex").toString("base64");

describe("Content-Digest", () => {
  test("sha-256=:<base64>: gives the hex digest; other members are skipped", () => {
    assert.equal(sha256FromContentDigest(`sha-256=:${b64}:`), hex);
    assert.equal(sha256FromContentDigest(`sha-512=:${"A".repeat(86)}==:, sha-256=:${b64}:`), hex);
    assert.equal(sha256FromContentDigest(`sha-256=:${b64}:;note=1`), hex);
    assert.equal(sha256FromContentDigest(`  sha-256 = :${b64}:  `), hex);
  });

  test("absent or empty is no claim", () => {
    assert.equal(sha256FromContentDigest(undefined), undefined);
    assert.equal(sha256FromContentDigest("  "), undefined);
  });

  test("malformed, wrong length, only unchecked algorithms, or two different sha-256 → DigestClaimError", () => {
    for (const bad of [
      "sha-256=abc",
      `sha-256=${b64}`,
      "sha-256=:AAAA:",
      `sha-256=:${b64.slice(0, -4)}:`,
      `sha-512=:${"A".repeat(86)}==:`,
      "md5=:AAAAAAAAAAAAAAAAAAAAAA==:",
      `sha-256=:${b64}:, sha-256=:${Buffer.alloc(32).toString("base64")}:`,
      `SHA-256=:${b64}:`,
      ",,,",
    ]) {
      assert.throws(() => sha256FromContentDigest(bad), DigestClaimError, bad);
    }
  });

  test("contentDigestOf is the inverse", () => {
    assert.equal(sha256FromContentDigest(contentDigestOf(hex)), hex);
    assert.equal(contentDigestOf(hex), `sha-256=:${b64}:`);
  });
});

describe("expectedSha256", () => {
  test("from the header, the query (lower-cased), both when they agree, or none", () => {
    assert.equal(expectedSha256({ contentDigest: `sha-256=:${b64}:` }), hex);
    assert.equal(expectedSha256({ query: hex.toUpperCase() }), hex);
    assert.equal(expectedSha256({ contentDigest: `sha-256=:${b64}:`, query: hex }), hex);
    assert.equal(expectedSha256({}), undefined);
  });

  test("a query that is not 64 hex, or claims that disagree → DigestClaimError", () => {
    assert.throws(() => expectedSha256({ query: "abc" }), DigestClaimError);
    assert.throws(() => expectedSha256({ query: `${hex}0` }), DigestClaimError);
    assert.throws(() => expectedSha256({ query: `${"../".repeat(21)}a` }), DigestClaimError);
    const other = createHash("sha256").update("other").digest("hex");
    assert.throws(() => expectedSha256({ contentDigest: `sha-256=:${b64}:`, query: other }), DigestClaimError);
  });
});
