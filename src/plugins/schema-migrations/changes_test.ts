/**
 * Unit tests of describeChanges: added, removed and replaced members by JSON Pointer,
 * arrays element by element or whole, escaping, shortening and the line cap.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeChanges, MAX_CHANGE_LINES, shortValue } from "./changes.js";

test("names added, removed and replaced members by JSON Pointer, in key order", () => {
  const before = { schema_version: "2.0.0", labels: ["a"], meta: { x: 1, gone: true }, same: { deep: [1, 2] } };
  const after = { schema_version: "2.1.0", tags: ["a"], meta: { x: 2 }, same: { deep: [1, 2] } };
  assert.deepEqual(describeChanges(before, after), [
    "remove /labels",
    "remove /meta/gone",
    "replace /meta/x: 1 → 2",
    'replace /schema_version: "2.0.0" → "2.1.0"',
    'add /tags = ["a"]',
  ]);
});

test("arrays: element by element when the length holds, whole otherwise", () => {
  assert.deepEqual(describeChanges({ a: [1, 2, 3] }, { a: [1, 9, 3] }), ["replace /a/1: 2 → 9"]);
  assert.deepEqual(describeChanges({ a: [1] }, { a: [1, 2] }), ["replace /a: [1] → [1,2]"]);
  assert.deepEqual(describeChanges({ a: { b: 1 } }, { a: [1] }), ['replace /a: {"b":1} → [1]']);
});

test("no change, no lines; pointer parts are escaped", () => {
  assert.deepEqual(describeChanges({ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } }), []);
  assert.deepEqual(describeChanges({}, { "a/b~c": 1 }), ["add /a~1b~0c = 1"]);
  assert.deepEqual(describeChanges(1, 2), ["replace /: 1 → 2"]);
});

test("long values are shortened and the list is capped with a summary line", () => {
  const long = "x".repeat(500);
  assert.equal(shortValue(long).length, 80);
  assert.ok(shortValue(long).endsWith("…"));
  const after = Object.fromEntries(
    Array.from({ length: MAX_CHANGE_LINES + 7 }, (_, i) => [`k${String(i).padStart(3, "0")}`, i]),
  );
  const lines = describeChanges({}, after);
  assert.equal(lines.length, MAX_CHANGE_LINES + 1);
  assert.equal(lines.at(-1), "… and 7 more change(s)");
});
