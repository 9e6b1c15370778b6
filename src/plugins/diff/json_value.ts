/**
 * Small helpers over plain JSON values shared by the diff engine and the JSON Patch applier:
 * classifying a value (and refusing what JSON cannot represent), deep equality, deep copy,
 * canonical text (sorted keys) and resolving a list of pointer tokens against a value.
 * Object members whose value is `undefined` are treated as absent, as JSON.stringify does;
 * a member literally named "__proto__" is an ordinary own property here and is copied with
 * defineProperty so it can never touch a prototype.
 */

import { appendSegment } from "../../contracts/json_pointer.js";

/** A JSON value as the diff plugin sees it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (plain object or null-prototype object). */
export type JsonObject = { [key: string]: unknown };

/** The six JSON types. */
export type JsonKind = "null" | "boolean" | "number" | "string" | "array" | "object";

/**
 * Returns the JSON type of `value`; throws a TypeError naming `where` (a JSON Pointer, for
 * the message only) for anything JSON cannot represent: undefined, functions, symbols,
 * bigints, non-finite numbers and non-plain objects such as Date or Map.
 */
export function kindOf(value: unknown, where = ""): JsonKind {
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      if (Number.isFinite(value)) return "number";
      break;
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return "array";
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return "object";
      break;
    }
  }
  throw new TypeError(`not a JSON value at "${where}": ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "object" && value !== null) {
    return `object of type ${value.constructor?.name ?? "unknown"}`;
  }
  return typeof value;
}

/**
 * Throws a TypeError (see kindOf) when `value` or anything inside it is not JSON; `where`
 * is the JSON Pointer of `value`, used in the message.
 */
export function assertJson(value: unknown, where = ""): void {
  const kind = kindOf(value, where);
  if (kind === "array") {
    (value as unknown[]).forEach((item, i) => {
      assertJson(item, appendSegment(where, i));
    });
  } else if (kind === "object") {
    const object = value as JsonObject;
    for (const key of jsonKeys(object)) {
      assertJson(object[key], appendSegment(where, key));
    }
  }
}

/** The member names of a JSON object that carry a value (members set to undefined are skipped). */
export function jsonKeys(object: JsonObject): string[] {
  return Object.keys(object).filter((key) => object[key] !== undefined);
}

/** True when `object` has a member `key` that carries a value (own, not undefined). */
export function hasMember(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key) && object[key] !== undefined;
}

/** Sets a member safely, also when the key is "__proto__". */
export function setMember(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** Deep equality of two JSON values: member order is irrelevant, array order is not. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  if (kind === "array") {
    const left = a as unknown[];
    const right = b as unknown[];
    return left.length === right.length && left.every((item, i) => jsonEqual(item, right[i]));
  }
  if (kind === "object") {
    const left = a as JsonObject;
    const right = b as JsonObject;
    const keys = jsonKeys(left);
    return (
      keys.length === jsonKeys(right).length &&
      keys.every((key) => hasMember(right, key) && jsonEqual(left[key], right[key]))
    );
  }
  return false; // equal primitives were caught by ===
}

/** A deep copy of a JSON value (objects come out with Object.prototype). */
export function cloneJson<T>(value: T): T {
  const kind = kindOf(value);
  if (kind === "array") return (value as unknown[]).map((item) => cloneJson(item)) as T;
  if (kind === "object") {
    const source = value as JsonObject;
    const copy: JsonObject = {};
    for (const key of jsonKeys(source)) setMember(copy, key, cloneJson(source[key]));
    return copy as T;
  }
  return value;
}

/** JSON text of a value with object members sorted by key, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  const kind = kindOf(value);
  if (kind === "array") return `[${(value as unknown[]).map(canonicalJson).join(",")}]`;
  if (kind === "object") {
    const object = value as JsonObject;
    const members = jsonKeys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** True when `token` is an RFC 6901 array index: "0" or digits without a leading zero. */
export function isArrayIndex(token: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token);
}

/** The result of resolving a pointer: the value, or a note that nothing is there. */
export type Lookup = { found: true; value: unknown } | { found: false };

/**
 * Resolves decoded pointer tokens (see parsePointer) against `root`. Answers `found: false`
 * instead of throwing when a member, index or intermediate container is missing.
 */
export function lookup(root: unknown, tokens: readonly string[]): Lookup {
  let current: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!isArrayIndex(token) || Number(token) >= current.length) return { found: false };
      current = current[Number(token)];
    } else if (typeof current === "object" && current !== null) {
      const object = current as JsonObject;
      if (!hasMember(object, token)) return { found: false };
      current = object[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
