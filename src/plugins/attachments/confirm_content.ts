/**
 * The body of a blob both stores say is stored already (its claimed SHA-256 names a
 * blob they hold): it is hashed to prove the claim, never written. Over `maxBytes` is
 * BlobTooLargeError, another digest BlobDigestMismatchError — a client cannot attach
 * content it does not have by naming the hash of content someone else uploaded.
 */
import { createHash } from "node:crypto";
import { BlobDigestMismatchError, BlobTooLargeError } from "../../contracts/ports/blob_store.js";

/** Hashes `body` (at most `maxBytes`) and checks it is `expected`; answers its size. */
export async function confirmContent(
  body: AsyncIterable<Uint8Array>,
  expected: string,
  maxBytes: number,
): Promise<{ sha256: string; size_bytes: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
    hash.update(chunk);
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== expected) throw new BlobDigestMismatchError(expected, sha256);
  return { sha256, size_bytes: size };
}
