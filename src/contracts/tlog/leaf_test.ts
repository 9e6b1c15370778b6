/**
 * Tests of the leaf: its text is the RFC 8785 canonical JSON of the four members;
 * parsing accepts exactly that text and refuses non-canonical spellings (member
 * order, white space, escapes), extra or missing members, and invalid values.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type LogLeaf, leafText, parseLeafText } from "./leaf.js";

const leaf: LogLeaf = {
  type: "run",
  id: "run_01JABCDEF",
  sha256: "a".repeat(64),
  created_at_utc: "2026-11-01T12:00:00.123Z",
};

describe("leaf text", () => {
  test("is the canonical JSON of type, id, sha256, created_at_utc", () => {
    assert.equal(
      leafText(leaf),
      `{"created_at_utc":"2026-11-01T12:00:00.123Z","id":"run_01JABCDEF","sha256":"${"a".repeat(64)}","type":"run"}`,
    );
    const parsed = parseLeafText(leafText(leaf));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.leaf, leaf);
  });

  test("non-canonical leaf text is refused", () => {
    const canonical = leafText(leaf);
    const bad = [
      JSON.stringify(leaf), // member order
      canonical.replace(",", ", "),
      ` ${canonical}`,
      `${canonical}\n`,
      canonical.replace("run_01", "run\\u005f01"),
    ];
    for (const text of bad) {
      const parsed = parseLeafText(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? "" : parsed.reason, /canonical|JSON/);
    }
  });

  test("invalid leaves are refused", () => {
    const invalid: unknown[] = [
      { ...leaf, extra: 1 },
      { type: leaf.type, id: leaf.id, sha256: leaf.sha256 },
      { ...leaf, type: "blob" },
      { ...leaf, id: "" },
      { ...leaf, id: "a\nb" },
      { ...leaf, id: "x".repeat(257) },
      { ...leaf, sha256: "A".repeat(64) },
      { ...leaf, sha256: "a".repeat(63) },
      { ...leaf, created_at_utc: "2026-11-01T12:00:00+01:00" },
      { ...leaf, created_at_utc: "2026-13-45T12:00:00Z" },
      [leaf],
      null,
    ];
    for (const value of invalid) {
      assert.equal(parseLeafText(JSON.stringify(value)).ok, false, JSON.stringify(value));
      assert.throws(() => leafText(value as LogLeaf), RangeError);
    }
    assert.equal(parseLeafText("{not json").ok, false);
  });
});
