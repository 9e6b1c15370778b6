/**
 * The one decision both checkpoint signers make before signing: given the last signed
 * checkpoint and the stored tree (read fresh, never from a cache), either the latest
 * already covers the tree, or the tree no longer extends it — fewer leaves, or a
 * consistency proof (RFC 9162 §2.1.4) that does not verify — and signing is refused
 * with the reason, or the new checkpoint's signed note (C2SP tlog-checkpoint).
 */
import type { SignedCheckpoint } from "../../contracts/ports/transparency_log.js";
import { decodeBase64Strict } from "../../contracts/tlog/base64.js";
import { formatCheckpoint } from "../../contracts/tlog/checkpoint.js";
import { consistencyProof } from "../../contracts/tlog/consistency_proof.js";
import { emptyRoot } from "../../contracts/tlog/hashing.js";
import type { NoteSigner } from "../../contracts/tlog/note_keys.js";
import { signNote } from "../../contracts/tlog/signed_note.js";
import { type NodeSource, rangeHash } from "../../contracts/tlog/tree_hash.js";
import { verifyConsistency } from "../../contracts/tlog/verify_consistency.js";

/** What the signer must do for a tree of `size` leaves. */
export type NextCheckpoint =
  | { readonly kind: "covered"; readonly checkpoint: SignedCheckpoint }
  | { readonly kind: "refuse"; readonly reason: string }
  | { readonly kind: "sign"; readonly size: number; readonly root: Uint8Array; readonly note: string };

/**
 * Decides the next checkpoint over `nodes` (which must hold the nodes of the tree of
 * `size` leaves and of the consistency proof from `last`), signing it with `signer`.
 */
export function nextCheckpoint(
  signer: NoteSigner,
  last: SignedCheckpoint | undefined,
  size: number,
  nodes: NodeSource,
): NextCheckpoint {
  if (last && last.size === size) return { kind: "covered", checkpoint: last };
  if (last && last.size > size) {
    return {
      kind: "refuse",
      reason: `the log has ${size} leaves but checkpoint ${last.size} was signed: leaves were removed`,
    };
  }
  const root = size === 0 ? emptyRoot() : rangeHash(0, size, nodes);
  if (last) {
    const lastRoot = decodeBase64Strict(last.root) as Uint8Array;
    const proof = consistencyProof(last.size, size, nodes);
    const consistent = verifyConsistency(last.size, size, lastRoot, root, proof);
    if (!consistent.ok) {
      return {
        kind: "refuse",
        reason: `the tree of ${size} leaves is not consistent with the signed checkpoint of size ${last.size} (${consistent.reason}): the stored log was changed`,
      };
    }
  }
  return { kind: "sign", size, root, note: signNote(formatCheckpoint({ origin: signer.name, size, root }), signer) };
}
