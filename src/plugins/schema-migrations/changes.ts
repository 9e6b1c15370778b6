/**
 * What one migration step changed, as short human-readable lines for
 * `migration_history[].changes`: a structural comparison of the step's input and
 * output that names every added, removed and replaced member by its JSON Pointer
 * (`add /meta/origin = "x"`, `remove /legacy`, `replace /schema_version: "2.0.0" → "2.1.0"`).
 * Objects are compared member by member, arrays element by element when their lengths
 * agree (otherwise replaced whole). Long values are shortened and the list is capped,
 * so that a history entry stays small whatever the step did.
 */
import { encodeSegment } from "../../contracts/json_pointer.js";

/** At most this many lines per step; the rest is summarised in one line. */
export const MAX_CHANGE_LINES = 100;

const MAX_VALUE_CHARS = 80;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON value, shortened to at most 80 characters. */
export function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function collect(before: unknown, after: unknown, pointer: string, out: string[]): void {
  if (Object.is(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const at = `${pointer}/${encodeSegment(key)}`;
      if (!Object.hasOwn(after, key)) out.push(`remove ${at}`);
      else if (!Object.hasOwn(before, key)) out.push(`add ${at} = ${shortValue(after[key])}`);
      else collect(before[key], after[key], at, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i++) collect(before[i], after[i], `${pointer}/${i}`, out);
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  out.push(`replace ${pointer || "/"}: ${shortValue(before)} → ${shortValue(after)}`);
}

/** The changes from `before` to `after`, one line each, at most MAX_CHANGE_LINES (+1 summary line). */
export function describeChanges(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  collect(before, after, "", out);
  if (out.length <= MAX_CHANGE_LINES) return out;
  const more = out.length - MAX_CHANGE_LINES;
  return [...out.slice(0, MAX_CHANGE_LINES), `… and ${more} more change(s)`];
}
