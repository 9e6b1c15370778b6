/**
 * RFC 6901 JSON Pointers, the one module that writes and reads them (problem field
 * errors, canonical-JSON error locations, diffs and patches, migration invariants). A pointer is either the empty string (the
 * whole document) or a sequence of "/"-prefixed reference tokens; inside a token "~" is
 * written "~0" and "/" is written "~1". This module encodes and decodes single tokens,
 * splits and joins whole pointers, and answers the one structural question the severity
 * table and the identity map need: "is this pointer at or below that one?". It knows
 * nothing about documents; resolving a pointer against a value lives in json_value.ts.
 */

/** Raised for a string that is not a syntactically valid RFC 6901 JSON Pointer. */
export class JsonPointerError extends Error {
  override name = "JsonPointerError";
}

/**
 * Encodes one reference token: "~" becomes "~0" and "/" becomes "~1" (in that order, so
 * that a literal "~1" in a key survives the round trip). Numbers (array indexes) are
 * written in decimal.
 */
export function encodeSegment(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * Decodes one reference token: "~1" becomes "/" and "~0" becomes "~". A "~" followed by
 * anything other than "0" or "1" is not valid RFC 6901 and throws a JsonPointerError.
 */
export function decodeSegment(segment: string): string {
  if (/~(?![01])/.test(segment)) {
    throw new JsonPointerError(`invalid escape in JSON Pointer token "${segment}"`);
  }
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Joins decoded reference tokens into a pointer: `[]` → `""`, `["a/b", 0]` → `"/a~1b/0"`. */
export function formatPointer(segments: readonly (string | number)[]): string {
  let pointer = "";
  for (const segment of segments) pointer += `/${encodeSegment(segment)}`;
  return pointer;
}

/**
 * Splits a pointer into its decoded reference tokens: `""` → `[]`, `"/"` → `[""]`,
 * `"/a~1b/0"` → `["a/b", "0"]`. Throws a JsonPointerError when the pointer is neither empty
 * nor starts with "/", or contains an invalid "~" escape.
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) {
    throw new JsonPointerError(`JSON Pointer must be empty or start with "/": "${pointer}"`);
  }
  return pointer.slice(1).split("/").map(decodeSegment);
}

/** Appends one (unencoded) reference token to a pointer: `("/a", "b/c")` → `"/a/b~1c"`. */
export function appendSegment(pointer: string, segment: string | number): string {
  return `${pointer}/${encodeSegment(segment)}`;
}

/**
 * True when `pointer` is `prefix` itself or lies below it, comparing whole tokens: "/hashes"
 * covers "/hashes" and "/hashes/gcode_sha256" but not "/hashes2". The empty prefix covers
 * every pointer.
 */
export function isAtOrBelow(pointer: string, prefix: string): boolean {
  return prefix === "" || pointer === prefix || pointer.startsWith(`${prefix}/`);
}

/** True when `pointer` is a syntactically valid JSON Pointer (see parsePointer). */
export function isValidPointer(pointer: string): boolean {
  try {
    parsePointer(pointer);
    return true;
  } catch {
    return false;
  }
}
