/**
 * C2SP `tlog-tiles` entry bundles: the log entries of one tile, each prefixed by its
 * length as a big-endian uint16. Entries longer than 65 535 bytes cannot be bundled
 * (and leaves are far smaller). Decoding refuses a truncated length or entry.
 */
import { refuse, type Verified } from "./verify_result.js";

/** The longest entry a bundle can hold. */
export const MAX_ENTRY_BYTES = 0xffff;

/** Encodes entries as one bundle. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw new RangeError(`an entry of ${e.length} bytes does not fit a uint16 length`);
    total += 2 + e.length;
  }
  const out = Buffer.alloc(total);
  let at = 0;
  for (const e of entries) {
    out.writeUInt16BE(e.length, at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes a bundle into its entries. */
export function decodeEntryBundle(bundle: Uint8Array): Verified<{ entries: Uint8Array[] }> {
  const view = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < view.length) {
    if (at + 2 > view.length) return refuse("the bundle ends inside a length prefix");
    const length = view.readUInt16BE(at);
    if (at + 2 + length > view.length) return refuse("the bundle ends inside an entry");
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return { ok: true, entries };
}
