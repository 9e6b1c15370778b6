/**
 * The blob store port: content-addressed bytes (attachments), named by their SHA-256.
 *
 * The embedded implementation keeps `<data>/blobs/<sha[0:2]>/<sha>`; an object-store
 * backend can be added behind the same interface and must pass `blobStoreContract`.
 * A blob is written only when complete and hashed, so a name always matches its bytes
 * unless the storage itself decays — which `verify` detects.
 */
import type { Readable, Writable } from "node:stream";
import { token } from "../token.js";

export interface BlobInfo {
  readonly sha256: string;
  readonly size_bytes: number;
}

export interface BlobPutOptions {
  /** Refuse (BlobTooLargeError) once more than this many bytes arrive. */
  readonly maxBytes: number;
  /** Refuse (BlobDigestMismatchError) when the content's SHA-256 is not this. */
  readonly expectedSha256?: string | undefined;
  /**
   * The body's size, when the caller knows it: a store may then skip work — such as
   * looking for a stored copy of a small body that is cheaper to write (write-once
   * still answers `created: false` when it was stored). Never trusted as a limit.
   */
  readonly sizeHint?: number | undefined;
}

/** The result of re-hashing a blob. */
export interface BlobCheck {
  readonly sha256: string;
  readonly ok: boolean;
  /** "ok", "missing", "truncated", "altered", or a read error. */
  readonly reason: string;
  /** What was found, for people: sizes and the digest the bytes hash to. */
  readonly detail?: string;
}

export class BlobTooLargeError extends Error {
  override readonly name = "BlobTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`the content is larger than the limit of ${maxBytes} bytes`);
  }
}

export class BlobDigestMismatchError extends Error {
  override readonly name = "BlobDigestMismatchError";
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the content's sha256 is ${actual}, not the ${expected} the client sent`);
  }
}

/**
 * Raised by `read` for a blob that is not stored — also for a name that is not a
 * SHA-256 (64 lowercase hex): a malformed name never reaches the storage.
 */
export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
  constructor(readonly sha256: string) {
    super(`no blob named ${JSON.stringify(sha256.slice(0, 80))} is stored`);
  }
}

/**
 * Every method takes names as they come: a name that is not 64 lowercase hex is
 * answered as "not stored" (stat undefined, read BlobNotFoundError, verify "missing"),
 * never looked up.
 */
export interface BlobStore {
  /** Streams `body` into the store; `created` is false when the content was already there. */
  put(body: AsyncIterable<Uint8Array>, options: BlobPutOptions): Promise<{ info: BlobInfo; created: boolean }>;
  /** Size of a stored blob, or undefined. */
  stat(sha256: string): Promise<BlobInfo | undefined>;
  /**
   * A stream of the blob's bytes, `end` inclusive. Rejects with BlobNotFoundError when
   * the blob is not stored, and RangeError when the range is not within the blob.
   */
  read(sha256: string, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Optional: writes the blob's bytes (or the range, `end` inclusive) into a Node
   * writable — an HTTP response — keeping only a couple of chunks in flight and reusing
   * its buffers, and resolves once all were accepted (it does not end `sink`). Rejects
   * like `read` (BlobNotFoundError, RangeError) before writing anything, and when `sink`
   * closes or fails early. Callers fall back to `read` when a backend lacks it.
   */
  copyTo?(sha256: string, sink: Writable, range?: { start: number; end: number }): Promise<void>;
  /** Re-hashes a blob against its name (and expected size when given). */
  verify(sha256: string, expectedSize?: number): Promise<BlobCheck>;
  /** Every stored blob's sha256. */
  scan(): AsyncIterable<string>;
  close(): Promise<void>;
}

export const BLOB_STORE = token<BlobStore>("BlobStore");
