/**
 * C2SP `signed-note`: a text ending in a newline, a blank line, then one or more
 * signature lines `— <key name> base64(4-byte big-endian key id ‖ signature)`. The
 * text is separated from the signatures by the last blank line. Opening a note follows
 * the spec: a signature whose (name, key id) is not a known key is ignored (even if it
 * shares one of the two with a known key); a known key's signature must verify, and
 * one that does not rejects the whole note; at least one known key must have signed.
 * Anything malformed — control characters, a line not of the signature form, a
 * name with a space or `+`, non-canonical base64, a signature shorter than its key
 * id — rejects the note, as does the same known key signing twice. At most
 * {@link MAX_NOTE_SIGNATURES} signatures are read (the spec asks for at least 16).
 */
import { sign, verify } from "node:crypto";
import { decodeBase64Strict, encodeBase64 } from "./base64.js";
import { isValidKeyName } from "./checkpoint.js";
import type { NoteSigner, NoteVerifier } from "./note_keys.js";
import { refuse, type Verified } from "./verify_result.js";

/** The most signature lines a note may carry. */
export const MAX_NOTE_SIGNATURES = 64;

/** The most bytes a note may have. */
export const MAX_NOTE_BYTES = 1 << 20;

const EM_DASH = "\u2014";

function checkText(text: string): string | undefined {
  if (!text.endsWith("\n")) return "the note text does not end in a newline";
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) return "the note contains a control character";
  if (!text.isWellFormed()) return "the note is not valid UTF-8 text";
  return undefined;
}

/** Signs `text` (ending in a newline) with each signer; answers the signed note. */
export function signNote(text: string, ...signers: NoteSigner[]): string {
  const problem = checkText(text);
  if (problem) throw new RangeError(problem);
  if (signers.length === 0) throw new RangeError("a note needs at least one signer");
  const message = Buffer.from(text, "utf8");
  let out = `${text}\n`;
  for (const signer of signers) {
    const signature = sign(null, message, signer.privateKey);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(signer.keyId);
    out += `${EM_DASH} ${signer.name} ${encodeBase64(Buffer.concat([id, signature]))}\n`;
  }
  return out;
}

/** A signature line that was read. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
}

/** Splits a note into its text and signatures, strictly (no key check). */
export function parseNote(note: string): Verified<{ text: string; signatures: NoteSignature[] }> {
  if (typeof note !== "string") return refuse("the note is not text");
  if (Buffer.byteLength(note, "utf8") > MAX_NOTE_BYTES) return refuse("the note is too large");
  const problem = checkText(note);
  if (problem) return refuse(problem);
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return refuse("the note has no blank line before its signatures");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) return refuse(`the note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(`${EM_DASH} `)) return refuse("a signature line does not start with an em dash and a space");
    const rest = line.slice(2);
    const space = rest.lastIndexOf(" ");
    if (space < 0) return refuse("a signature line has no signature");
    const name = rest.slice(0, space);
    if (!isValidKeyName(name)) return refuse("a signature line's key name is empty or contains a space or '+'");
    const raw = decodeBase64Strict(rest.slice(space + 1));
    if (!raw) return refuse(`the signature of ${name} is not canonical base64`);
    if (raw.length < 5) return refuse(`the signature of ${name} is too short`);
    const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    signatures.push({ name, keyId: view.readUInt32BE(0), signature: raw.subarray(4) });
  }
  return { ok: true, text, signatures };
}

/**
 * Opens a signed note with the known `verifiers`: answers its text when at least one
 * known key signed it and every known key's signature verifies.
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): Verified<{ text: string; verifiedBy: NoteVerifier[] }> {
  const parsed = parseNote(note);
  if (!parsed.ok) return parsed;
  const message = Buffer.from(parsed.text, "utf8");
  const verifiedBy: NoteVerifier[] = [];
  for (const s of parsed.signatures) {
    const known = verifiers.find((v) => v.name === s.name && v.keyId === s.keyId);
    if (!known) continue; // an unknown key (even one sharing the name or the id): ignored
    if (verifiedBy.includes(known)) return refuse(`the key ${known.name} signed the note twice`);
    let good = false;
    try {
      good = s.signature.length === 64 && verify(null, message, known.key, s.signature);
    } catch (error) {
      return refuse(`the signature of ${known.name} cannot be checked: ${(error as Error).message}`);
    }
    if (!good) return refuse(`the signature of the known key ${known.name} does not verify`);
    verifiedBy.push(known);
  }
  if (verifiedBy.length === 0) return refuse("no signature by a known key");
  return { ok: true, text: parsed.text, verifiedBy };
}
