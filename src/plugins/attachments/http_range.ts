/**
 * Single byte ranges (RFC 9110 §14): parsing a `Range` header against a representation
 * of known size, and the `If-Range` check against a strong ETag (If-None-Match is
 * src/contracts/etag.ts).
 *
 * One range is served as 206; a header that is not a well-formed `bytes=` set, names
 * another unit, or asks for several ranges is ignored (the whole content, 200), as the
 * RFC allows; a well-formed set none of whose ranges overlaps the content is
 * unsatisfiable (416). Positions are decimal digits only: a sign, a fraction or an
 * exponent makes the header malformed, never a surprising number.
 */

/** What to serve for a request's Range header. */
export type RangeDecision =
  | { readonly kind: "full" }
  | { readonly kind: "partial"; readonly start: number; readonly end: number }
  | { readonly kind: "unsatisfiable" };

const FULL: RangeDecision = { kind: "full" };
const UNSATISFIABLE: RangeDecision = { kind: "unsatisfiable" };
const RANGE_SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

function position(digits: string): number {
  const n = Number(digits);
  // Beyond 2^53 the exact value no longer matters: it is past the end of any blob.
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** Decides what `rangeHeader` asks of content of `size` bytes. */
export function decideRange(rangeHeader: string | undefined, size: number): RangeDecision {
  if (rangeHeader === undefined) return FULL;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(rangeHeader);
  if (!match) return FULL; // another unit, or malformed: ignore
  const specs = (match[1] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) return FULL;
  const ranges: Array<{ start: number; end: number } | undefined> = [];
  for (const spec of specs) {
    const m = RANGE_SPEC.exec(spec);
    if (!m) return FULL;
    if (m[3] !== undefined) {
      const suffix = position(m[3]);
      ranges.push(suffix === 0 || size === 0 ? undefined : { start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const first = position(m[1] as string);
    const last = m[2] === "" || m[2] === undefined ? undefined : position(m[2]);
    if (last !== undefined && last < first) return FULL; // an invalid range-spec: the header is ignored
    ranges.push(first >= size ? undefined : { start: first, end: Math.min(last ?? size - 1, size - 1) });
  }
  const satisfiable = ranges.filter((r) => r !== undefined);
  if (satisfiable.length === 0) return UNSATISFIABLE;
  if (specs.length > 1) return FULL; // several ranges: served whole rather than as multipart/byteranges
  const only = satisfiable[0] as { start: number; end: number };
  return { kind: "partial", start: only.start, end: only.end };
}

/** Whether `If-Range` lets the Range header apply: absent, or the same strong ETag. */
export function ifRangeAllows(ifRange: string | undefined, etag: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  // A date, or a weak tag, can never match a strong validator: serve the whole content.
  return value === etag;
}
