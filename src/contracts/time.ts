/**
 * RFC 3339 timestamps, UTC only.
 *
 * A timestamp that reaches the service must carry an offset (`Z` or `±hh:mm`); a naive
 * one is refused, because a naive time in an audit record is a guess. Accepted times
 * are normalised to UTC with a `Z`, keeping up to microsecond precision (v1 records
 * carry microseconds). `micros` is the instant as microseconds since the epoch, the
 * form the index sorts on (text sorting breaks on mixed precision).
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** A timestamp normalised to UTC. */
export interface UtcInstant {
  /** `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` */
  readonly iso: string;
  /** microseconds since 1970-01-01T00:00:00Z */
  readonly micros: number;
}

/** Raised for a timestamp that is not RFC 3339 with an offset. */
export class TimestampError extends Error {
  override readonly name = "TimestampError";
}

function build(ms: number, fraction: string | undefined): UtcInstant {
  const micro = (fraction ?? "").padEnd(6, "0").slice(0, 6);
  const base = new Date(ms).toISOString().slice(0, 19);
  const shown = fraction ? `.${micro.slice(0, Math.max(3, Math.min(6, fraction.length)))}` : "";
  const whole = Math.floor(ms / 1000) * 1_000_000;
  return { iso: `${base}${shown}Z`, micros: whole + Number(micro) };
}

function validDate(y: string, mo: string, d: string, h: string, mi: string, s: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s) < 60
  );
}

/** Parses an RFC 3339 timestamp with offset; throws TimestampError for naive or invalid ones. */
export function parseUtc(text: string): UtcInstant {
  const m = RFC3339.exec(text);
  if (!m) {
    if (NAIVE.test(text)) {
      throw new TimestampError(`timestamp "${text}" has no offset: send UTC with Z, e.g. 2026-01-01T00:00:00Z`);
    }
    throw new TimestampError(`"${text}" is not an RFC 3339 timestamp`);
  }
  const [, y, mo, d, h, mi, s, fraction, offset] = m as unknown as string[];
  if (!validDate(y!, mo!, d!, h!, mi!, s!)) throw new TimestampError(`"${text}" is not a valid date and time`);
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (offset && offset.toUpperCase() !== "Z") {
    const sign = offset.startsWith("-") ? -1 : 1;
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) throw new TimestampError(`"${text}" has an invalid offset`);
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return build(ms, fraction);
}

/** Parses a naive timestamp (no offset) as UTC — only for the v1 importer, which records that it did. */
export function parseNaiveAsUtc(text: string): UtcInstant {
  const m = NAIVE.exec(text);
  if (!m) throw new TimestampError(`"${text}" is not a naive ISO timestamp`);
  const [, y, mo, d, h, mi, s, fraction] = m as unknown as string[];
  if (!validDate(y!, mo!, d!, h!, mi!, s!)) throw new TimestampError(`"${text}" is not a valid date and time`);
  return build(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)), fraction);
}

/** The instant of a millisecond epoch time, as the service stores it. */
export function utcFromMillis(ms: number): UtcInstant {
  return { iso: new Date(ms).toISOString(), micros: ms * 1000 };
}

/** Whether `text` is a timestamp as the service stores it (UTC, `Z`). */
export function isStoredUtc(text: string): boolean {
  return /Z$/.test(text) && RFC3339.test(text);
}
