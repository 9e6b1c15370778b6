/**
 * Strict standard base64 (RFC 4648 §4, with padding), as the C2SP formats use it.
 * Node's decoder is lenient — it skips characters outside the alphabet, accepts
 * missing padding and non-zero trailing bits — so one text could name the same
 * bytes in several spellings. Here only the one canonical spelling decodes: the
 * text must re-encode to itself.
 */

const ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of canonical base64 `text`, or undefined when it is not canonical base64. */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !ALPHABET.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
