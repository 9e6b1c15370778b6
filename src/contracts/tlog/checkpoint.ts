/**
 * The C2SP `tlog-checkpoint` note text: the origin line, the tree size in decimal
 * (no leading zeroes, `0` for the empty tree), the base64 root hash, then optional
 * non-empty extension lines, each line ending in a newline. Parsing is strict — one
 * canonical text per checkpoint: no missing final newline, no empty line, no leading
 * zero or sign in the size, no non-canonical base64, no root that is not 32 bytes,
 * no control character, no space or `+` in the origin (it is also the signing key's
 * name, which may contain neither).
 */
import { decodeBase64Strict, encodeBase64 } from "./base64.js";
import { HASH_SIZE } from "./hashing.js";
import { refuse, type Verified } from "./verify_result.js";

/** A parsed checkpoint. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** Extension lines (opaque; this log writes none). */
  readonly extensions: readonly string[];
}

const SIZE = /^(0|[1-9][0-9]*)$/;

/** Whether `name` can be a key name / origin: non-empty, no whitespace, no `+`, no control characters. */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 &&
    !/[\s+\u0000-\u001f\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name)
  );
}

/** The note text of a checkpoint (ends in a newline). */
export function formatCheckpoint(checkpoint: { origin: string; size: number; root: Uint8Array }): string {
  if (!isValidKeyName(checkpoint.origin))
    throw new RangeError(`invalid checkpoint origin ${JSON.stringify(checkpoint.origin)}`);
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) throw new RangeError("invalid tree size");
  if (checkpoint.root.length !== HASH_SIZE) throw new RangeError("the root hash must be 32 bytes");
  return `${checkpoint.origin}\n${checkpoint.size}\n${encodeBase64(checkpoint.root)}\n`;
}

/** Parses checkpoint note text strictly. */
export function parseCheckpoint(text: string): Verified<{ checkpoint: Checkpoint }> {
  if (typeof text !== "string") return refuse("the checkpoint is not text");
  if (!text.endsWith("\n")) return refuse("the checkpoint text does not end in a newline");
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) return refuse("the checkpoint contains a control character");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3)
    return refuse(`the checkpoint has ${lines.length} line(s); it needs origin, size and root hash`);
  if (lines.some((l) => l.length === 0)) return refuse("the checkpoint has an empty line");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isValidKeyName(origin)) return refuse("the checkpoint origin is empty or contains a space or '+'");
  if (!SIZE.test(sizeText)) return refuse(`the tree size ${JSON.stringify(sizeText)} is not a canonical decimal`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return refuse("the tree size is too large");
  const root = decodeBase64Strict(rootText);
  if (!root) return refuse("the root hash is not canonical base64");
  if (root.length !== HASH_SIZE) return refuse(`the root hash is ${root.length} bytes, not 32`);
  return { ok: true, checkpoint: { origin, size, root, extensions } };
}
