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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function pointerPart(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function serializeString(value: string, pointer: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new CanonicalJsonError("string contains a lone surrogate", pointer);
  }
  // JSON.stringify escapes exactly as RFC 8785 requires once lone surrogates are excluded.
  return JSON.stringify(value);
}

function serialize(value: unknown, pointer: string, depth: number): string {
  switch (typeof value) {
    case "string":
      return serializeString(value, pointer);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(`number ${String(value)} has no JSON form`, pointer);
      }
      return String(value); // ES Number::toString is the RFC 8785 number form; -0 gives "0"
    case "object": {
      if (value === null) return "null";
      if (depth >= MAX_CANONICAL_DEPTH) {
        throw new CanonicalJsonError(`nesting deeper than ${MAX_CANONICAL_DEPTH}`, pointer);
      }
      if (Array.isArray(value)) {
        const parts = value.map((item, i) => {
          if (item === undefined) throw new CanonicalJsonError("undefined in array", `${pointer}/${i}`);
          return serialize(item, `${pointer}/${i}`, depth + 1);
        });
        return `[${parts.join(",")}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalJsonError("only plain objects have a JSON form", pointer);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(); // default sort compares UTF-16 code units, as RFC 8785 requires
      const members = keys.map((k) => {
        const child = `${pointer}/${pointerPart(k)}`;
        return `${serializeString(k, child)}:${serialize(record[k], child, depth + 1)}`;
      });
      return `{${members.join(",")}}`;
    }
    default:
      throw new CanonicalJsonError(`a ${typeof value} has no JSON form`, pointer);
  }
}

/** Returns the RFC 8785 canonical JSON text of `value`; throws CanonicalJsonError. */
export function canonicalize(value: unknown): string {
  return serialize(value, "", 0);
}
