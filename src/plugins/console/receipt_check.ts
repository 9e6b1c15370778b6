/**
 * What the console concludes from a run's inclusion receipt, with nothing but what the
 * API serves (the receipt, the log's verifier key, its latest checkpoint and a
 * consistency proof). The proof and note verification is the repository's one
 * implementation, src/contracts/tlog (`verifyReceipt`, `openNote`, `parseCheckpoint`,
 * `verifyConsistency`); this module only puts its answers in words for the run page:
 * the receipt verifies against the log's key (signature, canonical forms, inclusion
 * proof), its leaf names this run and the SHA-256 of the run's bytes as the API serves
 * them, and the log's latest checkpoint — signed by the same
 * key — extends the receipt's checkpoint (a consistency proof, or the same tree). The
 * receipt holds only when every check passes.
 */
import { decodeBase64Strict } from "../../contracts/tlog/base64.js";
import { type Checkpoint, parseCheckpoint } from "../../contracts/tlog/checkpoint.js";
import { parseVerifierKey } from "../../contracts/tlog/note_keys.js";
import { verifyReceipt } from "../../contracts/tlog/receipt.js";
import { openNote } from "../../contracts/tlog/signed_note.js";
import { verifyConsistency } from "../../contracts/tlog/verify_consistency.js";

/** One check, in words. */
export interface CheckLine {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The console's conclusion about one receipt. */
export interface ReceiptCheck {
  readonly ok: boolean;
  readonly origin: string | null;
  readonly size: number | null;
  /** The receipt checkpoint's root, hex. */
  readonly root: string | null;
  readonly checks: readonly CheckLine[];
}

/** The log's latest state as read through the API (each part null when unreadable). */
export interface LatestLog {
  /** The latest checkpoint note. */
  readonly checkpoint: string | null;
  /** The consistency proof from the receipt's size to the latest size (base64 hashes), when they differ. */
  readonly consistency: readonly string[] | null;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The receipt's checkpoint size, when `verifyReceipt` accepts it (to ask for a consistency proof). */
export function receiptSize(receipt: unknown, verifierKey: string | null): number | null {
  if (verifierKey === null) return null;
  const verified = verifyReceipt(receipt, verifierKey);
  return verified.ok ? verified.checkpoint.size : null;
}

/** The latest checkpoint opened with the log's key: its parsed form, or why not. */
export function openLatest(
  note: string,
  verifierKey: string,
): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } {
  const key = parseVerifierKey(verifierKey);
  if (!key.ok) return key;
  const opened = openNote(note, [key.verifier]);
  if (!opened.ok) return { ok: false, reason: `signature: ${opened.reason}` };
  const parsed = parseCheckpoint(opened.text);
  return parsed.ok ? { ok: true, checkpoint: parsed.checkpoint } : { ok: false, reason: parsed.reason };
}

function latestCheck(cp: Checkpoint, verifierKey: string, latest: LatestLog): CheckLine {
  const name = "latest checkpoint";
  if (latest.checkpoint === null) return { name, ok: false, detail: "the log's latest checkpoint could not be read" };
  const opened = openLatest(latest.checkpoint, verifierKey);
  if (!opened.ok) return { name, ok: false, detail: `the latest checkpoint does not check: ${opened.reason}` };
  const now = opened.checkpoint;
  if (now.origin !== cp.origin) return { name, ok: false, detail: `the log now calls itself ${now.origin}` };
  if (now.size < cp.size) {
    return {
      name,
      ok: false,
      detail: `the latest checkpoint (size ${now.size}) is smaller than the receipt's (${cp.size})`,
    };
  }
  let proof: Uint8Array[] = [];
  if (now.size !== cp.size) {
    if (latest.consistency === null) {
      return { name, ok: false, detail: `no consistency proof from size ${cp.size} to ${now.size} could be read` };
    }
    const decoded = latest.consistency.map((h) => decodeBase64Strict(h));
    if (decoded.some((h) => h === undefined)) return { name, ok: false, detail: "the consistency proof is not base64" };
    proof = decoded as Uint8Array[];
  }
  const consistent = verifyConsistency(cp.size, now.size, cp.root, now.root, proof);
  if (!consistent.ok)
    return { name, ok: false, detail: `not consistent with the receipt's checkpoint: ${consistent.reason}` };
  return {
    name,
    ok: true,
    detail:
      now.size === cp.size
        ? `the log still has ${now.size} entries, with the same root`
        : `the log has grown to ${now.size} entries; a consistency proof shows it extends the receipt's checkpoint (${cp.size})`,
  };
}

/**
 * Checks `receipt` for run `runId` against the log's key and latest state; `servedSha256`
 * is the SHA-256 (hex) of the run's bytes as GET /runs/{id} served them (null: unreadable).
 */
export function checkReceipt(
  runId: string,
  receipt: unknown,
  verifierKey: string | null,
  latest: LatestLog,
  servedSha256: string | null,
): ReceiptCheck {
  if (verifierKey === null) {
    return {
      ok: false,
      origin: null,
      size: null,
      root: null,
      checks: [{ name: "receipt", ok: false, detail: "the log's verifier key could not be read" }],
    };
  }
  const verified = verifyReceipt(receipt, verifierKey);
  if (!verified.ok) {
    return {
      ok: false,
      origin: null,
      size: null,
      root: null,
      checks: [{ name: "receipt", ok: false, detail: verified.reason }],
    };
  }
  const cp = verified.checkpoint;
  const leafOk = verified.leaf.type === "run" && verified.leaf.id === runId;
  const bytesOk = servedSha256 !== null && verified.leaf.sha256 === servedSha256;
  const checks: CheckLine[] = [
    {
      name: "receipt",
      ok: true,
      detail: `signed by the log's key; the proof leads from leaf ${verified.leaf_index} to the checkpoint's root (size ${cp.size})`,
    },
    {
      name: "leaf",
      ok: leafOk,
      detail: leafOk ? `names run ${runId}` : `names ${verified.leaf.type} ${verified.leaf.id}, not this run`,
    },
    {
      name: "record",
      ok: bytesOk,
      detail:
        servedSha256 === null
          ? "the run's bytes could not be read to compare with the leaf"
          : bytesOk
            ? `the leaf holds the SHA-256 of the run's bytes as served (${servedSha256})`
            : `the leaf holds sha256 ${verified.leaf.sha256}; the run's bytes as served hash to ${servedSha256}`,
    },
    latestCheck(cp, verifierKey, latest),
  ];
  return { ok: checks.every((c) => c.ok), origin: cp.origin, size: cp.size, root: hex(cp.root), checks };
}
