/**
 * Ed25519 keys for C2SP signed notes. The key id is the first four bytes of
 * SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key) (signature type 0x01 is
 * Ed25519). A verifier key is written `<name>+<8 hex key id>+<base64(0x01 ‖ public
 * key)>`; a signer key `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte
 * seed)>` (the same text forms as Go's golang.org/x/mod/sumdb/note, so keys move
 * between the two). Parsing is strict: the key id written must be the one the name
 * and key produce, hex in lower case, base64 canonical.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { decodeBase64Strict, encodeBase64 } from "./base64.js";
import { isValidKeyName } from "./checkpoint.js";
import { refuse, type Verified } from "./verify_result.js";

/** The signature type byte of Ed25519 in signed notes. */
export const ED25519_TYPE = 0x01;

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A key that verifies notes: its name, id and Ed25519 public key. */
export interface NoteVerifier {
  readonly name: string;
  /** uint32 key id */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** The node:crypto form of the public key. */
  readonly key: KeyObject;
}

/** A key that signs notes. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

/** The key id of an Ed25519 key named `name`. */
export function keyIdOf(name: string, publicKey: Uint8Array): number {
  const digest = createHash("sha256")
    .update(name, "utf8")
    .update(Uint8Array.of(0x0a, ED25519_TYPE))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, "0");

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** A signer from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw new RangeError(`invalid key name ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return { name, keyId: keyIdOf(name, publicKey), publicKey, privateKey };
}

/** A new random signer key named `name`, with its signer-key text (keep it secret). */
export function generateSigner(name: string): { signer: NoteSigner; signerKey: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const seed = new Uint8Array(der.subarray(der.length - 32));
  const signer = signerFromSeed(name, seed);
  return {
    signer,
    signerKey: `PRIVATE+KEY+${name}+${hex8(signer.keyId)}+${encodeBase64(Uint8Array.of(ED25519_TYPE, ...seed))}`,
  };
}

/** The verifier-key text of a signer (safe to publish). */
export function verifierKeyOf(signer: { name: string; keyId: number; publicKey: Uint8Array }): string {
  return `${signer.name}+${hex8(signer.keyId)}+${encodeBase64(Uint8Array.of(ED25519_TYPE, ...signer.publicKey))}`;
}

/** `<name>+<id>+<key>`: split at the first two `+` only (base64 may contain `+`). */
function parseNameIdKey(text: string, what: string): Verified<{ name: string; keyId: number; key: Uint8Array }> {
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) return refuse(`${what} must have the form <name>+<8 hex key id>+<base64 key>`);
  const name = text.slice(0, first);
  const idText = text.slice(first + 1, second);
  const keyText = text.slice(second + 1);
  if (!isValidKeyName(name)) return refuse(`${what}: the key name is empty or contains a space`);
  if (!/^[0-9a-f]{8}$/.test(idText)) return refuse(`${what}: the key id must be 8 lower-case hex digits`);
  const raw = decodeBase64Strict(keyText);
  if (!raw) return refuse(`${what}: the key is not canonical base64`);
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) return refuse(`${what}: not an Ed25519 key (0x01 and 32 bytes)`);
  return { ok: true, name, keyId: Number.parseInt(idText, 16), key: raw.subarray(1) };
}

/** Parses a verifier key `<name>+<hex id>+<base64(0x01 ‖ public key)>`. */
export function parseVerifierKey(text: string): Verified<{ verifier: NoteVerifier }> {
  if (typeof text !== "string") return refuse("the verifier key is not text");
  const parsed = parseNameIdKey(text, "verifier key");
  if (!parsed.ok) return parsed;
  if (keyIdOf(parsed.name, parsed.key) !== parsed.keyId) {
    return refuse("verifier key: the key id does not match the name and public key");
  }
  let key: KeyObject;
  try {
    key = publicKeyObject(parsed.key);
  } catch (error) {
    return refuse(`verifier key: not a usable Ed25519 public key (${(error as Error).message})`);
  }
  return { ok: true, verifier: { name: parsed.name, keyId: parsed.keyId, publicKey: parsed.key, key } };
}

/** Parses a signer key `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`. */
export function parseSignerKey(text: string): Verified<{ signer: NoteSigner }> {
  const trimmed = text.trim();
  if (!trimmed.startsWith("PRIVATE+KEY+")) return refuse("signer key: must start with PRIVATE+KEY+");
  const parsed = parseNameIdKey(trimmed.slice("PRIVATE+KEY+".length), "signer key");
  if (!parsed.ok) return parsed;
  const signer = signerFromSeed(parsed.name, parsed.key);
  if (signer.keyId !== parsed.keyId) return refuse("signer key: the key id does not match the name and key");
  return { ok: true, signer };
}
