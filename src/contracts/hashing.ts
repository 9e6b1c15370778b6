/**
 * SHA-256 hashing of the values an artifact carries.
 *
 * JSON content is hashed over its RFC 8785 canonical text encoded as UTF-8; text
 * outputs such as G-code are hashed as their UTF-8 bytes. Every hash the service
 * stores or compares is lowercase hex, 64 characters.
 */
import { createHash } from "node:crypto";
import { canonicalize } from "./jcs.js";

/** SHA-256 of bytes or of a string's UTF-8 encoding, as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the RFC 8785 canonical JSON of `value` (throws CanonicalJsonError). */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalize(value));
}

/** The name of the hash method used for artifacts created by this service. */
export const JCS_SHA256 = "jcs-sha256";
