/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Produces the one canonical text of a JSON value: object members sorted by their
 * UTF-16 code units, no insignificant white space, numbers in the ECMAScript
 * shortest round-trip form, strings with the minimal JSON escapes. Values that have
 * no JSON form (NaN, Infinity, lone surrogates, undefined in arrays, bigint, class
 * instances) are refused with a {@link CanonicalJsonError} rather than silently
 * changed, because a hash over a silently changed value would not be true. Nesting is
 * bounded so that hostile input cannot exhaust the stack. Written by hand (about sixty
 * lines) instead of the `canonicalize` package because that package accepts NaN and
 * lone surrogates without complaint, and its current major needs Node 22.
 */
import { encodeSegment } from "./json_pointer.js";

/** The deepest nesting of arrays and objects accepted (hostile input guard). */
export const MAX_CANONICAL_DEPTH = 256;

/** Raised for a value that has no canonical JSON form. `pointer` names where. */
export class CanonicalJsonError extends Error {
  override readonly name = "CanonicalJsonError";
  constructor(
    message: string,
    readonly pointer: string,
  ) {
    super(pointer ? `${message} at ${pointer}` : message);
  }
}

/**
 * Where the serializer is: the keys and indexes from the root. The JSON Pointer is
 * built only for an error message, so the common path allocates nothing per member.
 */
type Path = Array<string | number>;

function fail(message: string, path: Path, last?: string | number): never {
  const parts = last === undefined ? path : [...path, last];
  throw new CanonicalJsonError(message, parts.map((p) => `/${encodeSegment(p)}`).join(""));
}

function serializeString(value: string, path: Path, last?: string | number): string {
  // isWellFormed: no lone surrogate (a native scan, much faster than a regular expression).
  if (!value.isWellFormed()) fail("string contains a lone surrogate", path, last);
  // JSON.stringify escapes exactly as RFC 8785 requires once lone surrogates are excluded.
  return JSON.stringify(value);
}

function serialize(value: unknown, path: Path): string {
  switch (typeof value) {
    case "string":
      return serializeString(value, path);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) fail(`number ${String(value)} has no JSON form`, path);
      return String(value); // ES Number::toString is the RFC 8785 number form; -0 gives "0"
    case "object": {
      if (value === null) return "null";
      if (path.length >= MAX_CANONICAL_DEPTH) fail(`nesting deeper than ${MAX_CANONICAL_DEPTH}`, path);
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) fail("undefined in array", path, i);
          path.push(i);
          out += (i > 0 ? "," : "") + serialize(item, path);
          path.pop();
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail("only plain objects have a JSON form", path);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort(); // default sort compares UTF-16 code units, as RFC 8785 requires
      let out = "{";
      let first = true;
      for (const key of keys) {
        const child = record[key];
        if (child === undefined) continue;
        const name = serializeString(key, path, key);
        path.push(key);
        out += `${first ? "" : ","}${name}:${serialize(child, path)}`;
        path.pop();
        first = false;
      }
      return `${out}}`;
    }
    default:
      return fail(`a ${typeof value} has no JSON form`, path);
  }
}

/** Returns the RFC 8785 canonical JSON text of `value`; throws CanonicalJsonError. */
export function canonicalize(value: unknown): string {
  return serialize(value, []);
}
