/**
 * Token lifetimes as the CLI takes them: a whole number and a unit, `s` `m` `h` `d`
 * (`30s`, `12h`, `90d`). Anything else — a sign, a fraction, a missing or unknown unit,
 * zero, or more than ten years — is refused, so that a typo never mints a token that
 * lives far longer than meant.
 */

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest lifetime accepted: ten years of days. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

/** Raised for a duration that cannot be used. */
export class DurationError extends Error {
  override readonly name = "DurationError";
}

/** Milliseconds of a duration such as `90d`; throws DurationError for anything else. */
export function parseDuration(text: string): number {
  const m = /^([1-9][0-9]{0,8})([smhd])$/.exec(text);
  if (!m) {
    throw new DurationError(
      `duration "${text}" is not a whole number followed by s, m, h or d (for example 30s, 12h, 90d)`,
    );
  }
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms > MAX_DURATION_MS) throw new DurationError(`duration "${text}" is longer than 3650d`);
  return ms;
}
