/**
 * Opaque pagination cursors: the position of the last item of a page, as base64url
 * JSON. Clients pass `next_cursor` back unchanged; a cursor that does not decode is a
 * 400, never a 500.
 */
import { ProblemError } from "./problem.js";

/** Encodes a position as an opaque cursor. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** Decodes a cursor made by encodeCursor with the given element types; throws a 400 ProblemError. */
export function decodeCursor<T extends readonly ("string" | "number")[]>(
  cursor: string,
  types: T,
): { [K in keyof T]: T[K] extends "string" ? string : number } {
  const invalid = () =>
    new ProblemError(400, "the cursor is not one this service issued; pass next_cursor back unchanged", {
      slug: "invalid-cursor",
      errors: [{ location: "query", pointer: "cursor", message: "malformed cursor", code: "invalid_cursor" }],
    });
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== types.length) throw invalid();
  value.forEach((v, i) => {
    if (typeof v !== types[i] || (typeof v === "number" && !Number.isSafeInteger(v))) throw invalid();
  });
  return value as never;
}
