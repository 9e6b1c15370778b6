/**
 * Inclusion receipts and their offline verification. A receipt is
 * `{ leaf_index, leaf, inclusion_proof, checkpoint }`: the canonical leaf text, its
 * index, the RFC 9162 audit path (base64 hashes) and the signed checkpoint note the
 * path leads to. With nothing but the receipt and the log's verifier key, anyone
 * can check: the checkpoint is signed by that key (C2SP signed-note rules) and its
 * origin is the key's name; the checkpoint and the leaf are in their canonical
 * forms; the index is below the checkpoint's size; and the path leads from
 * SHA-256(0x00 ‖ leaf) to the checkpoint's root. Every refusal names its reason.
 */
import { decodeBase64Strict } from "./base64.js";
import { type Checkpoint, parseCheckpoint } from "./checkpoint.js";
import { leafHash } from "./hashing.js";
import { type LogLeaf, parseLeafText } from "./leaf.js";
import { parseVerifierKey } from "./note_keys.js";
import { openNote } from "./signed_note.js";
import { verifyInclusion } from "./verify_inclusion.js";
import { refuse, type Verified } from "./verify_result.js";

/** A receipt as the service answers it. */
export interface Receipt {
  readonly leaf_index: number;
  /** The canonical leaf JSON, as a string. */
  readonly leaf: string;
  /** Base64 hashes of the audit path. */
  readonly inclusion_proof: readonly string[];
  /** The signed checkpoint note the proof is for. */
  readonly checkpoint: string;
}

/** The most hashes an audit path can have (a tree of 2^64 leaves). */
export const MAX_PROOF_HASHES = 64;

/** Verifies `receipt` against the log's verifier key (`<name>+<hex id>+<base64 key>`). */
export function verifyReceipt(
  receipt: unknown,
  verifierKey: string,
): Verified<{ leaf: LogLeaf; leaf_index: number; checkpoint: Checkpoint }> {
  const key = parseVerifierKey(verifierKey);
  if (!key.ok) return key;
  if (typeof receipt !== "object" || receipt === null || Array.isArray(receipt)) {
    return refuse("the receipt is not a JSON object");
  }
  const r = receipt as Record<string, unknown>;
  if (typeof r.checkpoint !== "string") return refuse("the receipt has no checkpoint text");
  if (typeof r.leaf !== "string") return refuse("the receipt has no leaf text");
  if (!Number.isSafeInteger(r.leaf_index) || (r.leaf_index as number) < 0) {
    return refuse("the receipt's leaf_index is not a whole number");
  }
  if (!Array.isArray(r.inclusion_proof) || r.inclusion_proof.length > MAX_PROOF_HASHES) {
    return refuse(`the receipt's inclusion_proof is not a list of at most ${MAX_PROOF_HASHES} hashes`);
  }
  const opened = openNote(r.checkpoint, [key.verifier]);
  if (!opened.ok) return refuse(`checkpoint signature: ${opened.reason}`);
  const parsed = parseCheckpoint(opened.text);
  if (!parsed.ok) return refuse(`checkpoint: ${parsed.reason}`);
  const { checkpoint } = parsed;
  if (checkpoint.origin !== key.verifier.name) {
    return refuse(`the checkpoint's origin ${checkpoint.origin} is not the key's name ${key.verifier.name}`);
  }
  const leaf = parseLeafText(r.leaf);
  if (!leaf.ok) return refuse(`leaf: ${leaf.reason}`);
  const proof: Uint8Array[] = [];
  for (const [i, text] of (r.inclusion_proof as unknown[]).entries()) {
    const hash = typeof text === "string" ? decodeBase64Strict(text) : undefined;
    if (hash?.length !== 32) return refuse(`inclusion_proof[${i}] is not a canonical base64 32-byte hash`);
    proof.push(hash as Uint8Array);
  }
  const index = r.leaf_index as number;
  const included = verifyInclusion(index, checkpoint.size, leafHash(r.leaf), proof, checkpoint.root);
  if (!included.ok) return refuse(`inclusion: ${included.reason}`);
  return { ok: true, leaf: leaf.leaf, leaf_index: index, checkpoint };
}
