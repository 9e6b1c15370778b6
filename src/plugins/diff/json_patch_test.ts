/**
 * Tests of the RFC 6902 applier: the examples of RFC 6902 appendix A, the error cases a
 * client is likely to hit (missing paths, bad indexes, moving a value into itself, failed
 * tests), and the promise that neither the document nor the patch is modified; also the
 * RFC 6901 pointer helpers the patches are written with.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { JsonPatchOp } from "./json_patch.js";
import { applyPatch, JsonPatchError } from "./json_patch.js";
import {
  decodeSegment,
  encodeSegment,
  formatPointer,
  isAtOrBelow,
  JsonPointerError,
  parsePointer,
} from "../../contracts/json_pointer.js";

/** Applies a patch given as plain JSON, as a client would. */
function apply(doc: unknown, patch: unknown): unknown {
  return applyPatch(doc, patch as JsonPatchOp[]);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe("applyPatch: RFC 6902 appendix A", () => {
  test("A.1 adding an object member", () => {
    assert.deepEqual(apply({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }]), {
      baz: "qux",
      foo: "bar",
    });
  });

  test("A.2 adding an array element", () => {
    assert.deepEqual(apply({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }]), {
      foo: ["bar", "qux", "baz"],
    });
  });

  test("A.3 removing an object member", () => {
    assert.deepEqual(apply({ baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }]), {
      foo: "bar",
    });
  });

  test("A.4 removing an array element", () => {
    assert.deepEqual(apply({ foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }]), {
      foo: ["bar", "baz"],
    });
  });

  test("A.5 replacing a value", () => {
    assert.deepEqual(apply({ baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }]), {
      baz: "boo",
      foo: "bar",
    });
  });

  test("A.6 moving a value", () => {
    const doc = { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } };
    assert.deepEqual(apply(doc, [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }]), {
      foo: { bar: "baz" },
      qux: { corge: "grault", thud: "fred" },
    });
  });

  test("A.7 moving an array element", () => {
    const doc = { foo: ["all", "grass", "cows", "eat"] };
    assert.deepEqual(apply(doc, [{ op: "move", from: "/foo/1", path: "/foo/3" }]), {
      foo: ["all", "cows", "eat", "grass"],
    });
  });

  test("A.8 testing a value: success", () => {
    const doc = { baz: "qux", foo: ["a", 2, "c"] };
    const patch = [
      { op: "test", path: "/baz", value: "qux" },
      { op: "test", path: "/foo/1", value: 2 },
    ];
    assert.deepEqual(apply(doc, patch), doc);
  });

  test("A.9 testing a value: error", () => {
    assert.throws(() => apply({ baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }]), JsonPatchError);
  });

  test("A.10 adding a nested member object", () => {
    assert.deepEqual(apply({ foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }]), {
      foo: "bar",
      child: { grandchild: {} },
    });
  });

  test("A.11 ignoring unrecognized elements", () => {
    assert.deepEqual(apply({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux", xyz: 123 }]), {
      foo: "bar",
      baz: "qux",
    });
  });

  test("A.12 adding to a nonexistent target", () => {
    assert.throws(() => apply({ foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }]), /path not found/);
  });

  test("A.14 ~ escape ordering", () => {
    const doc = { "/": 9, "~1": 10 };
    const patch = [{ op: "test", path: "/~01", value: 10 }];
    assert.deepEqual(apply(doc, patch), doc);
  });

  test("A.15 comparing strings and numbers", () => {
    const doc = { "/": 9, "~1": 10 };
    assert.throws(() => apply(doc, [{ op: "test", path: "/~01", value: "10" }]), /test failed/);
  });

  test("A.16 adding an array value", () => {
    assert.deepEqual(apply({ foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }]), {
      foo: ["bar", ["abc", "def"]],
    });
  });
});

describe("applyPatch: beyond the appendix", () => {
  test("does not modify the document or the values in the patch", () => {
    const doc = deepFreeze({ a: { b: [1, 2, 3] }, c: "x" });
    const value = deepFreeze({ nested: [1] });
    const patch: JsonPatchOp[] = [
      { op: "add", path: "/a/b/0", value },
      { op: "add", path: "/a/b/0/nested/-", value: 2 },
      { op: "remove", path: "/c" },
      { op: "move", from: "/a/b/1", path: "/a/b/3" },
    ];
    assert.deepEqual(applyPatch(doc, patch), { a: { b: [{ nested: [1, 2] }, 2, 3, 1] } });
    assert.deepEqual(doc, { a: { b: [1, 2, 3] }, c: "x" });
    assert.deepEqual(value, { nested: [1] });
  });

  test("the root can be replaced, added and tested but not removed", () => {
    assert.deepEqual(apply({ a: 1 }, [{ op: "replace", path: "", value: [1] }]), [1]);
    assert.equal(apply("x", [{ op: "add", path: "", value: null }]), null);
    assert.deepEqual(apply([1], [{ op: "test", path: "", value: [1] }]), [1]);
    assert.throws(() => apply({ a: 1 }, [{ op: "remove", path: "" }]), JsonPatchError);
  });

  test("copy duplicates a value without aliasing it", () => {
    const result = apply({ a: { x: 1 } }, [
      { op: "copy", from: "/a", path: "/b" },
      { op: "replace", path: "/b/x", value: 2 },
    ]);
    assert.deepEqual(result, { a: { x: 1 }, b: { x: 2 } });
  });

  test("a move onto itself is a no-op, into its own child is an error", () => {
    assert.deepEqual(apply({ a: { b: 1 } }, [{ op: "move", from: "/a", path: "/a" }]), {
      a: { b: 1 },
    });
    assert.throws(() => apply({ a: { b: 1 } }, [{ op: "move", from: "/a", path: "/a/b/c" }]), /own child/);
  });

  test("a member named __proto__ is an ordinary member", () => {
    const doc = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const result = apply(doc, [
      { op: "add", path: "/__proto__/more", value: 1 },
      { op: "copy", from: "/__proto__", path: "/copy" },
    ]) as Record<string, unknown>;
    assert.equal(JSON.stringify(result), '{"__proto__":{"polluted":true,"more":1},"copy":{"polluted":true,"more":1}}');
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("bad array indexes are rejected", () => {
    const doc = { a: [1, 2] };
    for (const path of ["/a/01", "/a/-1", "/a/3", "/a/x", "/a/1.0"]) {
      assert.throws(() => apply(doc, [{ op: "add", path, value: 0 }]), JsonPatchError, path);
    }
    for (const path of ["/a/2", "/a/-", "/a/01"]) {
      assert.throws(() => apply(doc, [{ op: "remove", path }]), JsonPatchError, path);
      assert.throws(() => apply(doc, [{ op: "replace", path, value: 0 }]), JsonPatchError, path);
    }
    assert.deepEqual(apply(doc, [{ op: "add", path: "/a/2", value: 3 }]), { a: [1, 2, 3] });
  });

  test("malformed operations are rejected with the index of the operation", () => {
    const cases: unknown[] = [
      { op: "frobnicate", path: "/a" },
      { op: "add", path: "/a" },
      { op: "add", path: "a", value: 1 },
      { op: "add", path: "/a~2", value: 1 },
      { op: "move", path: "/b" },
      { path: "/a", value: 1 },
      "add",
      null,
    ];
    for (const operation of cases) {
      assert.throws(
        () => apply({ a: 1 }, [{ op: "test", path: "/a", value: 1 }, operation]),
        (error: unknown) => error instanceof JsonPatchError && error.index === 1,
        JSON.stringify(operation),
      );
    }
  });

  test("an error names the missing path", () => {
    assert.throws(
      () => apply({ a: { b: {} } }, [{ op: "remove", path: "/a/b/c" }]),
      /operation 0: path not found: no member "c" in the object at "\/a\/b"/,
    );
    assert.throws(() => apply({ a: 1 }, [{ op: "add", path: "/a/b", value: 1 }]), /not an object or array/);
  });
});

describe("JSON Pointer (RFC 6901)", () => {
  test("tokens are escaped ~ first and unescaped ~1 first", () => {
    assert.equal(encodeSegment("a/b~c"), "a~1b~0c");
    assert.equal(encodeSegment("~1"), "~01");
    assert.equal(decodeSegment("~01"), "~1");
    assert.equal(decodeSegment("a~1b~0c"), "a/b~c");
    assert.equal(encodeSegment(7), "7");
  });

  test("encoding and decoding round-trip any token and any pointer", () => {
    fc.assert(fc.property(fc.string(), (token) => decodeSegment(encodeSegment(token)) === token));
    fc.assert(
      fc.property(fc.array(fc.string()), (tokens) => {
        assert.deepEqual(parsePointer(formatPointer(tokens)), tokens);
      }),
    );
  });

  test("the RFC 6901 examples parse", () => {
    assert.deepEqual(parsePointer(""), []);
    assert.deepEqual(parsePointer("/"), [""]);
    assert.deepEqual(parsePointer("/foo/0"), ["foo", "0"]);
    assert.deepEqual(parsePointer("/a~1b"), ["a/b"]);
    assert.deepEqual(parsePointer("/m~0n"), ["m~n"]);
    assert.deepEqual(parsePointer("/ "), [" "]);
  });

  test("malformed pointers are rejected", () => {
    for (const bad of ["foo", "/a~", "/a~2", "#/a"]) {
      assert.throws(() => parsePointer(bad), JsonPointerError, bad);
    }
  });

  test("isAtOrBelow compares whole tokens", () => {
    assert.ok(isAtOrBelow("/hashes", "/hashes"));
    assert.ok(isAtOrBelow("/hashes/gcode_sha256", "/hashes"));
    assert.ok(isAtOrBelow("/anything", ""));
    assert.ok(!isAtOrBelow("/hashes2", "/hashes"));
    assert.ok(!isAtOrBelow("/hashes", "/hashes/x"));
  });
});
