/**
 * The hashes the contract recomputes, the way SPEC defines them: SHA-256 over the
 * RFC 8785 (JCS) canonical JSON for JSON content, over the UTF-8 bytes for text. The
 * canonicalisation is the service's own `src/contracts/jcs.ts`, compiled into this
 * package's build (see tsconfig.json) rather than copied, so there is one
 * implementation, checked against the RFC 8785 vectors by the service's tests.
 */
import { createHash } from "node:crypto";
import { canonicalize } from "../../../src/contracts/jcs.js";

/** SHA-256 of bytes or of a string's UTF-8 encoding, as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the RFC 8785 canonical JSON of `value`. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalize(value));
}
