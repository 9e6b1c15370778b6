/**
 * Unit tests of the JSON shape check: each limit is met exactly at its bound and
 * exceeded one past it, with the JSON Pointer of the place; the walk is iterative, so a
 * value nested a million deep is checked without a stack overflow; any value within
 * the bounds passes (fast-check).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { checkJsonShape } from "./json_shape.js";

const LIMITS = { maxDepth: 4, maxKeys: 3, maxArray: 3, maxString: 5 };

test("each limit: at the bound passes, one past it is refused with where", () => {
  assert.equal(checkJsonShape([[[[1]]]], LIMITS), undefined);
  assert.deepEqual(checkJsonShape({ a: [[[[1]]]] }, LIMITS), {
    pointer: "/a/0/0/0",
    message: "nesting is deeper than 4 levels",
    code: "too_deep",
  });
  assert.equal(checkJsonShape({ a: 1, b: 2, c: 3 }, LIMITS), undefined);
  assert.equal(checkJsonShape({ x: { a: 1, b: 2, c: 3, d: 4 } }, LIMITS)?.pointer, "/x");
  assert.equal(checkJsonShape([1, 2, [1, 2, 3, 4]], LIMITS)?.code, "array_too_long");
  assert.equal(checkJsonShape({ "a/b": "123456" }, LIMITS)?.pointer, "/a~1b");
  assert.equal(checkJsonShape({ abcdef: 1 }, LIMITS)?.code, "string_too_long");
  assert.equal(checkJsonShape("12345", LIMITS), undefined);
});

test("a value a million deep is checked without overflowing the stack", () => {
  let deep: unknown = 0;
  for (let i = 0; i < 1_000_000; i++) deep = [deep];
  assert.equal(checkJsonShape(deep, { ...LIMITS, maxDepth: 64 })?.code, "too_deep");
});

test("values within the bounds pass", () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
      const limits = { maxDepth: 5, maxKeys: 1000, maxArray: 1000, maxString: 1_000_000 };
      assert.equal(checkJsonShape(v, limits), undefined);
    }),
    { numRuns: 200 },
  );
});
