/**
 * Unit tests of single-range decisions: satisfiable ranges (first-last, open-ended,
 * suffix, clamped), unsatisfiable ones (past the end, zero suffix, empty content),
 * headers that are ignored (malformed, several ranges, another unit, last < first),
 * and the If-Range / If-None-Match comparisons; plus a property: every partial
 * decision lies within the content.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ifNoneMatches } from "../../contracts/etag.js";
import { decideRange, ifRangeAllows } from "./http_range.js";

describe("decideRange", () => {
  const partial = (start: number, end: number) => ({ kind: "partial", start, end });
  const cases: Array<[string | undefined, number, unknown]> = [
    [undefined, 100, { kind: "full" }],
    ["bytes=0-0", 100, partial(0, 0)],
    ["bytes=0-99", 100, partial(0, 99)],
    ["bytes=0-", 100, partial(0, 99)],
    ["bytes=99-", 100, partial(99, 99)],
    ["bytes=10-1000", 100, partial(10, 99)],
    ["bytes=-1", 100, partial(99, 99)],
    ["bytes=-100", 100, partial(0, 99)],
    ["bytes=-101", 100, partial(0, 99)],
    ["bytes=99999999999999999999-", 100, { kind: "unsatisfiable" }],
    ["bytes=1-99999999999999999999", 100, partial(1, 99)],
    [" Bytes = 5 - 9 ".replace(" - ", "-"), 100, partial(5, 9)],
    ["bytes=100-", 100, { kind: "unsatisfiable" }],
    ["bytes=100-200", 100, { kind: "unsatisfiable" }],
    ["bytes=-0", 100, { kind: "unsatisfiable" }],
    ["bytes=0-0", 0, { kind: "unsatisfiable" }],
    ["bytes=-5", 0, { kind: "unsatisfiable" }],
    ["bytes=200-,300-", 100, { kind: "unsatisfiable" }],
    ["bytes=0-1,3-4", 100, { kind: "full" }],
    ["bytes=0-1,300-", 100, { kind: "full" }],
    ["bytes=5-4", 100, { kind: "full" }],
    ["bytes=", 100, { kind: "full" }],
    ["bytes=,", 100, { kind: "full" }],
    ["bytes=a-b", 100, { kind: "full" }],
    ["bytes=1.0-2", 100, { kind: "full" }],
    ["bytes=+1-2", 100, { kind: "full" }],
    ["bytes=1e2-", 100, { kind: "full" }],
    ["bytes=--1", 100, { kind: "full" }],
    ["items=0-1", 100, { kind: "full" }],
    ["0-1", 100, { kind: "full" }],
    ["bytes 0-1", 100, { kind: "full" }],
  ];
  for (const [header, size, expected] of cases) {
    test(`${JSON.stringify(header)} of ${size} bytes → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(decideRange(header, size), expected);
    });
  }

  test("a partial decision always lies within the content (property)", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.oneof(
          fc
            .tuple(fc.nat({ max: 20_000 }), fc.option(fc.nat({ max: 20_000 })))
            .map(([a, b]) => `bytes=${a}-${b ?? ""}`),
          fc.nat({ max: 20_000 }).map((n) => `bytes=-${n}`),
          fc.string(),
        ),
        (size, header) => {
          const d = decideRange(header, size);
          if (d.kind === "partial") {
            assert.ok(d.start >= 0 && d.start <= d.end && d.end < size, `${header} of ${size}: ${JSON.stringify(d)}`);
          }
        },
      ),
    );
  });
});

describe("conditional headers", () => {
  const etag = `"${"a".repeat(64)}"`;
  test("If-Range: absent or the same strong tag allows the range; anything else does not", () => {
    assert.equal(ifRangeAllows(undefined, etag), true);
    assert.equal(ifRangeAllows(etag, etag), true);
    assert.equal(ifRangeAllows(` ${etag} `, etag), true);
    assert.equal(ifRangeAllows(`W/${etag}`, etag), false);
    assert.equal(ifRangeAllows(`"${"b".repeat(64)}"`, etag), false);
    assert.equal(ifRangeAllows("Sat, 21 Nov 2026 10:00:00 GMT", etag), false);
  });

  test("If-None-Match: the tag, weak or strong, in a list, or * matches", () => {
    assert.equal(ifNoneMatches(undefined, etag), false);
    assert.equal(ifNoneMatches("", etag), false);
    assert.equal(ifNoneMatches(etag, etag), true);
    assert.equal(ifNoneMatches(`W/${etag}`, etag), true);
    assert.equal(ifNoneMatches(`"x", ${etag}`, etag), true);
    assert.equal(ifNoneMatches("*", etag), true);
    assert.equal(ifNoneMatches(`"${"b".repeat(64)}"`, etag), false);
  });
});
