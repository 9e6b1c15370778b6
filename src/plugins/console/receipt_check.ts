/**
 * Checking a run's inclusion receipt in the console, with nothing but the receipt, the
 * log's verifier key and its latest checkpoint (all read through the API): the leaf
 * names this run, the inclusion proof recomputes the checkpoint's root (RFC 9162
 * §2.1.3.2, leaf hash SHA-256(0x00 ‖ leaf), node hash SHA-256(0x01 ‖ l ‖ r)), the
 * checkpoint is a C2SP signed note carrying a valid Ed25519 signature by the verifier
 * key, and the latest checkpoint is of the same log and not smaller. Each check is
 * reported in words; the receipt holds only when all pass.
 */
import crypto from "node:crypto";

export interface ReceiptCheck {
  readonly ok: boolean;
  readonly origin: string | null;
  readonly size: number | null;
  /** The checkpoint's root, hex. */
  readonly root: string | null;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[];
}

export interface Receipt {
  readonly leaf_index: number;
  readonly leaf: string;
  readonly inclusion_proof: readonly string[];
  readonly checkpoint: string;
}

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  /** The signed text: every line up to the blank line, newline included. */
  readonly body: string;
  readonly signatures: readonly { readonly name: string; readonly sig: Buffer }[];
}

const sha256 = (...parts: Buffer[]) => crypto.createHash("sha256").update(Buffer.concat(parts)).digest();

/** The RFC 6962 hash of a leaf. */
export function leafHash(leaf: Buffer): Buffer {
  return sha256(Buffer.from([0]), leaf);
}

/** The RFC 6962 hash of an interior node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

/** Parses a C2SP tlog checkpoint in signed-note form; undefined when it is not one. */
export function parseCheckpoint(text: string): Checkpoint | undefined {
  const split = text.indexOf("\n\n");
  if (split < 0) return undefined;
  const body = text.slice(0, split + 1);
  const lines = body.split("\n");
  const [origin, sizeText, rootText] = lines;
  if (!origin || !sizeText || !rootText || !/^\d{1,16}$/.test(sizeText)) return undefined;
  const root = Buffer.from(rootText, "base64");
  if (root.length !== 32) return undefined;
  const signatures: { name: string; sig: Buffer }[] = [];
  for (const line of text.slice(split + 2).split("\n")) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (m) signatures.push({ name: m[1] as string, sig: Buffer.from(m[2] as string, "base64") });
  }
  return { origin, size: Number(sizeText), root, body, signatures };
}

/** Parses a note verifier key `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`. */
export function parseVerifierKey(
  text: string,
): { name: string; keyId: Buffer; publicKey: crypto.KeyObject } | undefined {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!m) return undefined;
  const raw = Buffer.from(m[3] as string, "base64");
  if (raw.length !== 33 || raw[0] !== 1) return undefined;
  const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw.subarray(1)]);
  return {
    name: m[1] as string,
    keyId: Buffer.from(m[2] as string, "hex"),
    publicKey: crypto.createPublicKey({ key: der, format: "der", type: "spki" }),
  };
}

/** The root that an inclusion proof of `leaf` at `index` in a tree of `size` leads to (RFC 9162 §2.1.3.2). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
): Buffer | undefined {
  if (index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

function signatureCheck(cp: Checkpoint, verifierKey: string | null): { ok: boolean; detail: string } {
  if (verifierKey === null) return { ok: false, detail: "the log's verifier key could not be read" };
  const key = parseVerifierKey(verifierKey);
  if (!key) return { ok: false, detail: "the log's verifier key is not in note format" };
  if (key.name !== cp.origin)
    return { ok: false, detail: `the key is for ${key.name}, the checkpoint for ${cp.origin}` };
  for (const s of cp.signatures) {
    if (s.name !== key.name || s.sig.length !== 68 || !s.sig.subarray(0, 4).equals(key.keyId)) continue;
    if (crypto.verify(null, Buffer.from(cp.body, "utf8"), key.publicKey, s.sig.subarray(4))) {
      return { ok: true, detail: `signed by ${key.name}+${key.keyId.toString("hex")}` };
    }
    return { ok: false, detail: "the signature by the log's key does not verify" };
  }
  return { ok: false, detail: "no signature by the log's key" };
}

/** Checks `receipt` for run `runId` against the verifier key and the latest checkpoint (each may be null when unreadable). */
export function checkReceipt(
  runId: string,
  receipt: Receipt,
  verifierKey: string | null,
  latestCheckpoint: string | null,
): ReceiptCheck {
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  const cp = typeof receipt.checkpoint === "string" ? parseCheckpoint(receipt.checkpoint) : undefined;
  let leafOk = false;
  try {
    const leaf = JSON.parse(receipt.leaf) as Record<string, unknown>;
    leafOk = leaf.type === "run" && leaf.id === runId;
    checks.push({
      name: "leaf",
      ok: leafOk,
      detail: leafOk ? `names run ${runId}` : `names ${String(leaf.type)} ${String(leaf.id)}, not this run`,
    });
  } catch {
    checks.push({ name: "leaf", ok: false, detail: "the leaf is not JSON" });
  }
  if (!cp) {
    checks.push({ name: "checkpoint", ok: false, detail: "the receipt's checkpoint is not a signed checkpoint note" });
    return { ok: false, origin: null, size: null, root: null, checks };
  }
  const proof = Array.isArray(receipt.inclusion_proof)
    ? receipt.inclusion_proof.map((h) => Buffer.from(String(h), "base64"))
    : [];
  const computed = Number.isSafeInteger(receipt.leaf_index)
    ? rootFromInclusionProof(receipt.leaf_index, cp.size, Buffer.from(String(receipt.leaf), "utf8"), proof)
    : undefined;
  const inclusionOk = computed?.equals(cp.root) === true;
  checks.push({
    name: "inclusion",
    ok: inclusionOk,
    detail: inclusionOk
      ? `the proof leads from leaf ${receipt.leaf_index} to the checkpoint's root (size ${cp.size})`
      : "the proof does not lead to the checkpoint's root",
  });
  checks.push({ name: "signature", ...signatureCheck(cp, verifierKey) });
  const latest = latestCheckpoint === null ? undefined : parseCheckpoint(latestCheckpoint);
  if (!latest) {
    checks.push({ name: "latest checkpoint", ok: false, detail: "the log's latest checkpoint could not be read" });
  } else {
    const sameLog = latest.origin === cp.origin;
    const grown = latest.size > cp.size || (latest.size === cp.size && latest.root.equals(cp.root));
    checks.push({
      name: "latest checkpoint",
      ok: sameLog && grown,
      detail: !sameLog
        ? `the log now calls itself ${latest.origin}`
        : grown
          ? `the log has ${latest.size} entries now (the receipt's checkpoint had ${cp.size}); use rmos log verify-receipt for a consistency proof`
          : "the log's latest checkpoint is smaller than the receipt's or has another root at the same size",
    });
  }
  return { ok: checks.every((c) => c.ok), origin: cp.origin, size: cp.size, root: cp.root.toString("hex"), checks };
}
