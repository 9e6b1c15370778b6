/**
 * The answer of every verification in this folder: `ok: true`, or `ok: false` with a
 * reason an operator can act on. Verifications return this instead of throwing, so
 * that hostile input of any shape ends in a clear refusal and never in an exception
 * that a caller might catch too broadly.
 */

/** The outcome of a verification. */
export type Verified<T = Record<never, never>> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly reason: string };

/** A refusal with its reason. */
export function refuse(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}
