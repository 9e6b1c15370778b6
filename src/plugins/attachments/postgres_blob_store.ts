/**
 * The BlobStore on PostgreSQL (tables of migrations/postgres/0001_blobs.sql): bytes
 * content-addressed by SHA-256, in chunks, streamed both ways; never a whole blob in
 * memory (one chunk buffer per upload, one chunk per read step).
 *
 * An upload takes one connection and one transaction: chunks are inserted under a
 * fresh content id as they fill, while the bytes are hashed and counted against the
 * limit; at the end the name row (sha256 → content id, size) is inserted with ON
 * CONFLICT DO NOTHING. When the name was taken (the same bytes were stored before, or
 * by a concurrent upload on any instance, which the insert waits for) the transaction
 * rolls back, chunks and all, and the answer is `created: false`; a refused or failed
 * body rolls back too, so nothing partial is ever committed. A claimed digest that is
 * already stored is only hashed, not written again. Reads (`read`, and `copyTo` into an
 * HTTP response with backpressure) fetch the chunks that cover the range one at a time.
 */
import { createHash, randomUUID } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import type pg from "pg";
import {
  type BlobCheck,
  BlobDigestMismatchError,
  type BlobInfo,
  BlobNotFoundError,
  type BlobPutOptions,
  type BlobStore,
  BlobTooLargeError,
} from "../../contracts/ports/blob_store.js";
import { keysetRows } from "../../kernel/plugin_api/storage.js";
import { confirmContent } from "./confirm_content.js";

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** Options of {@link PostgresBlobStore}. */
export interface PostgresBlobStoreOptions {
  /** Bytes per stored chunk (default 256 KiB). */
  readonly chunkBytes?: number;
  /** Names read per round trip by `scan` (default 1000). */
  readonly scanBatch?: number;
}

interface NameRow {
  content_id: string;
  size_bytes: string | number;
  chunk_size: number;
}

/** Resolves when `sink` drains; rejects when it closes or fails first. */
function drained(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      sink.off("drain", onDrain);
      sink.off("close", onClose);
      sink.off("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("the receiver went away before the end of the blob"));
    const onError = (error: Error) => done(error);
    sink.on("drain", onDrain);
    sink.on("close", onClose);
    sink.on("error", onError);
  });
}

export class PostgresBlobStore implements BlobStore {
  readonly #pool: pg.Pool;
  readonly #chunkBytes: number;
  readonly #scanBatch: number;

  /** A store on `pool`, whose database `rmos db migrate` has migrated. The pool stays the caller's. */
  constructor(pool: pg.Pool, options: PostgresBlobStoreOptions = {}) {
    this.#pool = pool;
    this.#chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.#scanBatch = options.scanBatch ?? 1000;
    if (!Number.isInteger(this.#chunkBytes) || this.#chunkBytes < 1)
      throw new RangeError("chunkBytes must be a positive integer");
  }

  async #name(sha256: string): Promise<NameRow | undefined> {
    if (!SHA256_PATTERN.test(sha256)) return undefined;
    const { rows } = await this.#pool.query<NameRow>(
      "SELECT content_id, size_bytes, chunk_size FROM attachments_blobs WHERE sha256 = $1",
      [sha256],
    );
    return rows[0];
  }

  async put(body: AsyncIterable<Uint8Array>, options: BlobPutOptions): Promise<{ info: BlobInfo; created: boolean }> {
    const expected = options.expectedSha256;
    if (expected !== undefined && !SHA256_PATTERN.test(expected)) {
      throw new TypeError("expectedSha256 must be 64 lowercase hex characters");
    }
    if (expected !== undefined) {
      const stored = await this.#name(expected);
      if (stored) return this.#hashOnly(body, options, expected, Number(stored.size_bytes));
    }
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const outcome = await this.#upload(client, body, options);
      await client.query(outcome.created ? "COMMIT" : "ROLLBACK");
      return outcome;
    } catch (error) {
      // The body's error is the answer; a connection whose ROLLBACK failed is destroyed.
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async #upload(
    client: pg.PoolClient,
    body: AsyncIterable<Uint8Array>,
    options: BlobPutOptions,
  ): Promise<{ info: BlobInfo; created: boolean }> {
    const contentId = randomUUID();
    const hash = createHash("sha256");
    const chunk = Buffer.allocUnsafe(this.#chunkBytes);
    let filled = 0;
    let seq = 0;
    let size = 0;
    const flush = async () => {
      // The buffer is reused only after the insert has completed.
      await client.query("INSERT INTO attachments_blob_chunks (content_id, seq, data) VALUES ($1, $2, $3)", [
        contentId,
        seq,
        chunk.subarray(0, filled),
      ]);
      seq++;
      filled = 0;
    };
    for await (const part of body) {
      size += part.length;
      if (size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
      hash.update(part);
      let at = 0;
      while (at < part.length) {
        const n = Math.min(part.length - at, chunk.length - filled);
        chunk.set(part.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === chunk.length) await flush();
      }
    }
    if (filled > 0) await flush();
    const sha256 = hash.digest("hex");
    if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256) {
      throw new BlobDigestMismatchError(options.expectedSha256, sha256);
    }
    const named = await client.query(
      "INSERT INTO attachments_blobs (sha256, content_id, size_bytes, chunk_size) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
      [sha256, contentId, size, this.#chunkBytes],
    );
    return { info: { sha256, size_bytes: size }, created: named.rowCount === 1 };
  }

  /** The body of a blob already stored under its claimed name: hashed and checked, not written. */
  async #hashOnly(
    body: AsyncIterable<Uint8Array>,
    options: BlobPutOptions,
    expected: string,
    storedSize: number,
  ): Promise<{ info: BlobInfo; created: boolean }> {
    const info = await confirmContent(body, expected, options.maxBytes);
    if (info.size_bytes !== storedSize)
      throw new Error(`blob ${expected} is recorded with ${storedSize} bytes, its content has ${info.size_bytes}`);
    return { info, created: false };
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    const row = await this.#name(sha256);
    return row ? { sha256, size_bytes: Number(row.size_bytes) } : undefined;
  }

  /** The stored name and the checked inclusive byte range; BlobNotFoundError or RangeError. */
  async #locate(
    sha256: string,
    range: { start: number; end: number } | undefined,
  ): Promise<{ row: NameRow; start: number; end: number }> {
    const row = await this.#name(sha256);
    if (!row) throw new BlobNotFoundError(sha256);
    const size = Number(row.size_bytes);
    if (range) {
      const { start, end } = range;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end >= size) {
        throw new RangeError(`bytes ${start}-${end} are not within the ${size} bytes of blob ${sha256}`);
      }
      return { row, start, end };
    }
    return { row, start: 0, end: size - 1 };
  }

  async read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const { row, start, end } = await this.#locate(sha256, range);
    return Readable.from(this.#chunks(sha256, row, start, end), { objectMode: false });
  }

  /** Writes the blob (or range) into `sink`, one chunk at a time, waiting for it to drain. */
  async copyTo(sha256: string, sink: Writable, range?: { start: number; end: number }): Promise<void> {
    const { row, start, end } = await this.#locate(sha256, range);
    for await (const piece of this.#chunks(sha256, row, start, end)) {
      if (sink.destroyed || sink.writableEnded) throw new Error("the receiver went away before the end of the blob");
      if (!sink.write(piece)) await drained(sink);
    }
  }

  /** The bytes start..end (inclusive) of a blob, one chunk per round trip. */
  async *#chunks(sha256: string, row: NameRow, start: number, end: number): AsyncGenerator<Buffer> {
    if (end < start) return;
    const first = Math.floor(start / row.chunk_size);
    const last = Math.floor(end / row.chunk_size);
    for (let seq = first; seq <= last; seq++) {
      const { rows } = await this.#pool.query<{ data: Buffer }>(
        "SELECT data FROM attachments_blob_chunks WHERE content_id = $1 AND seq = $2",
        [row.content_id, seq],
      );
      const data = rows[0]?.data;
      const offset = seq * row.chunk_size;
      const want = Math.min(row.chunk_size, Number(row.size_bytes) - offset);
      if (!data || data.length !== want) {
        throw new Error(
          `blob ${sha256} is damaged: chunk ${seq} is ${data ? `${data.length} bytes, not ${want}` : "missing"}`,
        );
      }
      yield data.subarray(Math.max(0, start - offset), Math.min(data.length, end - offset + 1));
    }
  }

  async verify(sha256: string, expectedSize?: number): Promise<BlobCheck> {
    if (!SHA256_PATTERN.test(sha256)) {
      return { sha256, ok: false, reason: "missing", detail: "not a sha256 name: nothing can be stored under it" };
    }
    const row = await this.#name(sha256);
    if (!row) return { sha256, ok: false, reason: "missing", detail: "no such name in attachments_blobs" };
    const recorded = Number(row.size_bytes);
    const hash = createHash("sha256");
    let size = 0;
    let seq = 0;
    let gap = false;
    for (;;) {
      const { rows } = await this.#pool.query<{ seq: number; data: Buffer }>(
        "SELECT seq, data FROM attachments_blob_chunks WHERE content_id = $1 AND seq >= $2 ORDER BY seq LIMIT 4",
        [row.content_id, seq],
      );
      for (const chunk of rows) {
        if (chunk.seq !== seq) gap = true;
        hash.update(chunk.data);
        size += chunk.data.length;
        seq = chunk.seq + 1;
      }
      if (rows.length < 4) break;
    }
    const actual = hash.digest("hex");
    const reference = expectedSize ?? recorded;
    const sizes = `${size} of ${reference} bytes`;
    if (actual === sha256 && !gap) {
      if (size !== reference) {
        return { sha256, ok: false, reason: "size mismatch", detail: `intact, but ${sizes}: the reference is wrong` };
      }
      return { sha256, ok: true, reason: "ok", detail: `intact, ${size} bytes` };
    }
    const reason = size < reference ? "truncated" : "altered";
    return {
      sha256,
      ok: false,
      reason,
      detail: `${sizes}${gap ? ", chunks missing" : ""}; the content hashes to ${actual}`,
    };
  }

  async *scan(): AsyncGenerator<string> {
    const rows = keysetRows(
      "",
      this.#scanBatch,
      async (after) =>
        (
          await this.#pool.query<{ sha256: string }>(
            "SELECT sha256 FROM attachments_blobs WHERE sha256 > $1 ORDER BY sha256 LIMIT $2",
            [after, this.#scanBatch],
          )
        ).rows,
      (row) => row.sha256,
    );
    for await (const row of rows) yield row.sha256;
  }

  /** Nothing to release: the pool belongs to the caller. */
  async close(): Promise<void> {}
}
