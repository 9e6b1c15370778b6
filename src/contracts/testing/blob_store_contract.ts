/**
 * The contract-test kit of the blob store port: `blobStoreContract(name, factory)`
 * registers node:test suites that every {@link BlobStore} backend must pass — the
 * embedded file store today, an object-store backend later — so that the API and the
 * verifiers can rely on the same behaviour whatever stores the bytes.
 *
 * What it checks: random bytes in random chunkings read back exactly (fast-check), a
 * name is the SHA-256 of the content, the second put of the same bytes is not
 * "created", concurrent identical puts leave one blob, the size limit and the digest
 * claim refuse with nothing stored, a failing body stores nothing, ranges are
 * inclusive and checked, malformed names (traversal attempts included) are "not
 * stored" and never touch storage, and — when the backend can damage its own bytes —
 * missing, truncated and altered blobs are each reported by name.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { type Readable, Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { BlobDigestMismatchError, BlobNotFoundError, type BlobStore, BlobTooLargeError } from "../ports/blob_store.js";

/** A store under test and the backend-specific helpers the kit cannot do through the port. */
export interface BlobStoreFixture {
  readonly store: BlobStore;
  /** Damages a stored blob in place; omit when the backend cannot (the corruption tests are skipped). */
  damage?(sha256: string, how: "delete" | "truncate" | "alter"): Promise<void>;
  /** Names the partial or temporary objects the backend holds now (for "nothing left behind"). */
  leftovers?(): Promise<string[]>;
  /** Releases the store and everything it stored. */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty, opened store. */
export type BlobStoreFactory = () => Promise<BlobStoreFixture>;

const MiB = 1024 * 1024;
const LIMIT = 64 * MiB;

/** SHA-256 of bytes, hex. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** `bytes` as an async iterable of chunks of the given sizes (the rest as one last chunk). */
export async function* chunked(bytes: Uint8Array, sizes: readonly number[] = []): AsyncIterable<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    yield bytes.subarray(at, Math.min(bytes.length, at + size));
    at += size;
  }
  if (at < bytes.length || bytes.length === 0) yield bytes.subarray(at);
}

/** Reads a stream whole (tests only). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts);
}

async function listAll(store: BlobStore): Promise<string[]> {
  const names: string[] = [];
  for await (const sha of store.scan()) names.push(sha);
  return names.sort();
}

/** Names that are not SHA-256 digests, among them path traversal attempts. */
export const MALFORMED_BLOB_NAMES: readonly string[] = [
  "",
  "../../etc/passwd",
  `../${"a".repeat(61)}`,
  `${"a".repeat(62)}/..`,
  "..%2f..%2fetc%2fpasswd",
  `${"a".repeat(63)}`,
  `${"a".repeat(65)}`,
  `${"A".repeat(64)}`,
  `${"a".repeat(63)}\u0000`,
  `${"a".repeat(63)}\uff0e`,
  `/${"a".repeat(63)}`,
  `${"g".repeat(64)}`,
  ` ${"a".repeat(63)}`,
];

/** Registers the blob store contract suites for the backend `name`. */
export function blobStoreContract(name: string, factory: BlobStoreFactory): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fx: BlobStoreFixture;
    let store: BlobStore;
    before(async () => {
      fx = await factory();
      store = fx.store;
    });
    after(async () => {
      await fx.dispose();
    });

    const put = (
      bytes: Uint8Array,
      options: { maxBytes?: number; expectedSha256?: string; sizes?: number[]; sizeHint?: number } = {},
    ) =>
      store.put(chunked(bytes, options.sizes), {
        maxBytes: options.maxBytes ?? LIMIT,
        expectedSha256: options.expectedSha256,
        sizeHint: options.sizeHint,
      });

    async function assertNothingLeft(message: string): Promise<void> {
      if (fx.leftovers) assert.deepEqual(await fx.leftovers(), [], `${message}: no partial object is left behind`);
    }

    test("a blob is named by the SHA-256 of its content and reads back byte for byte", async () => {
      const bytes = randomBytes(300_000);
      const { info, created } = await put(bytes, { sizes: [1, 7, 65_536, 100_000] });
      assert.equal(created, true);
      assert.deepEqual(info, { sha256: sha256Of(bytes), size_bytes: bytes.length });
      assert.deepEqual(await store.stat(info.sha256), info);
      assert.ok((await readAll(await store.read(info.sha256))).equals(bytes));
    });

    test("random bytes in random chunkings round-trip exactly (property)", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 0, maxLength: 20_000 }),
          fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 12 }),
          async (bytes, sizes) => {
            const { info } = await put(bytes, { sizes });
            assert.equal(info.sha256, sha256Of(bytes));
            assert.equal(info.size_bytes, bytes.length);
            const back = await readAll(await store.read(info.sha256));
            assert.ok(back.equals(Buffer.from(bytes)));
            assert.equal((await store.verify(info.sha256, bytes.length)).ok, true);
          },
        ),
        { numRuns: 40 },
      );
      await assertNothingLeft("after the round trips");
    });

    test("the empty blob is a blob", async () => {
      const { info } = await put(new Uint8Array(0));
      assert.deepEqual(info, { sha256: sha256Of(new Uint8Array(0)), size_bytes: 0 });
      assert.equal((await readAll(await store.read(info.sha256))).length, 0);
      const check = await store.verify(info.sha256, 0);
      assert.deepEqual([check.ok, check.reason], [true, "ok"]);
    });

    test("storing the same bytes again answers created: false and keeps one blob", async () => {
      const bytes = randomBytes(10_000);
      const first = await put(bytes);
      const second = await put(bytes, { sizes: [3, 3, 3] });
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.deepEqual(second.info, first.info);
      assert.equal((await listAll(store)).filter((s) => s === first.info.sha256).length, 1);
    });

    test("concurrent puts of the same bytes leave exactly one blob, created once", async () => {
      const bytes = randomBytes(2 * MiB + 17);
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => put(bytes, { sizes: [1000 * (i + 1)] })));
      assert.equal(outcomes.filter((o) => o.created).length, 1, "exactly one put created the blob");
      for (const o of outcomes) assert.equal(o.info.sha256, sha256Of(bytes));
      assert.equal((await listAll(store)).filter((s) => s === sha256Of(bytes)).length, 1);
      assert.ok((await readAll(await store.read(sha256Of(bytes)))).equals(bytes));
      await assertNothingLeft("after concurrent puts");
    });

    test("a body of exactly maxBytes is stored; one byte more is BlobTooLargeError and nothing is stored", async () => {
      const fits = randomBytes(4096);
      assert.equal((await put(fits, { maxBytes: 4096 })).info.size_bytes, 4096);
      const over = randomBytes(4097);
      await assert.rejects(put(over, { maxBytes: 4096, sizes: [1000, 1000, 1000, 1000] }), BlobTooLargeError);
      assert.equal(await store.stat(sha256Of(over)), undefined);
      assert.ok(!(await listAll(store)).includes(sha256Of(over)));
      await assertNothingLeft("after a refused oversized body");
    });

    test("a digest claim that the bytes do not keep is BlobDigestMismatchError and nothing is stored", async () => {
      const bytes = randomBytes(5000);
      const claimed = sha256Of(randomBytes(10));
      await assert.rejects(put(bytes, { expectedSha256: claimed }), (error: unknown) => {
        assert.ok(error instanceof BlobDigestMismatchError);
        assert.equal(error.expected, claimed);
        assert.equal(error.actual, sha256Of(bytes));
        return true;
      });
      assert.equal(await store.stat(sha256Of(bytes)), undefined);
      assert.equal(await store.stat(claimed), undefined);
      await assertNothingLeft("after a digest mismatch");
    });

    test("a digest claim that holds stores the blob; one that fails against a stored blob changes nothing", async () => {
      const bytes = randomBytes(5000);
      const sha = sha256Of(bytes);
      assert.equal((await put(bytes, { expectedSha256: sha })).created, true);
      assert.equal((await put(bytes, { expectedSha256: sha })).created, false);
      const other = randomBytes(5000);
      await assert.rejects(put(other, { expectedSha256: sha }), BlobDigestMismatchError);
      assert.ok((await readAll(await store.read(sha))).equals(bytes));
      assert.equal(await store.stat(sha256Of(other)), undefined);
    });

    test("a size hint changes no outcome: stored, stored again, refused when the digest or size is wrong", async () => {
      const bytes = randomBytes(6000);
      const sha = sha256Of(bytes);
      const hint = { expectedSha256: sha, sizeHint: bytes.length };
      assert.equal((await put(bytes, hint)).created, true);
      assert.equal((await put(bytes, { ...hint, sizes: [100, 5] })).created, false);
      await assert.rejects(put(randomBytes(6000), hint), BlobDigestMismatchError);
      const big = randomBytes(5000);
      await assert.rejects(put(big, { sizeHint: 10, maxBytes: 4096 }), BlobTooLargeError, "a hint is never a limit");
      assert.ok((await readAll(await store.read(sha))).equals(bytes));
      assert.equal(await store.stat(sha256Of(big)), undefined);
      await assertNothingLeft("after puts with size hints");
    });

    test("a body that fails midway stores nothing", async () => {
      const bytes = randomBytes(3 * MiB);
      async function* failing(): AsyncIterable<Uint8Array> {
        yield bytes.subarray(0, 2 * MiB);
        throw new Error("connection reset");
      }
      await assert.rejects(store.put(failing(), { maxBytes: LIMIT }), /connection reset/);
      assert.equal(await store.stat(sha256Of(bytes)), undefined);
      assert.equal(await store.stat(sha256Of(bytes.subarray(0, 2 * MiB))), undefined);
      await assertNothingLeft("after a failed body");
    });

    test("ranges are inclusive; a range outside the blob is a RangeError", async () => {
      const bytes = randomBytes(1000);
      const { info } = await put(bytes);
      const cases: Array<[number, number]> = [
        [0, 0],
        [0, 999],
        [999, 999],
        [10, 19],
        [500, 998],
      ];
      for (const [start, end] of cases) {
        const got = await readAll(await store.read(info.sha256, { start, end }));
        assert.ok(got.equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
      }
      for (const [start, end] of [
        [0, 1000],
        [1000, 1000],
        [5, 4],
        [-1, 3],
        [0.5, 3],
      ] as Array<[number, number]>) {
        await assert.rejects(store.read(info.sha256, { start, end }), RangeError, `bytes ${start}-${end}`);
      }
    });

    test("copyTo (when the backend has it) writes the blob or a range into a writable, with backpressure", async (t) => {
      const copyTo = store.copyTo?.bind(store);
      if (!copyTo) return t.skip("this backend has no copyTo");
      const bytes = randomBytes(5 * MiB + 333);
      const { info } = await put(bytes);
      const collect = (highWaterMark: number) => {
        const parts: Buffer[] = [];
        const sink = new Writable({
          highWaterMark,
          write(chunk: Buffer, _enc, done) {
            parts.push(Buffer.from(chunk)); // a copy: the store may reuse its buffers once done() is called
            setImmediate(done); // a slow receiver
          },
        });
        return { sink, bytes: () => Buffer.concat(parts) };
      };
      const whole = collect(16 * 1024);
      await copyTo(info.sha256, whole.sink);
      assert.ok(whole.bytes().equals(bytes), "whole blob");
      const part = collect(16 * 1024);
      await copyTo(info.sha256, part.sink, { start: MiB - 1, end: 3 * MiB + 1 });
      assert.ok(part.bytes().equals(bytes.subarray(MiB - 1, 3 * MiB + 2)), "range");
      await assert.rejects(copyTo(sha256Of(randomBytes(4)), collect(1).sink), BlobNotFoundError);
      await assert.rejects(copyTo(info.sha256, collect(1).sink, { start: 0, end: bytes.length }), RangeError);
      await assert.rejects(copyTo("../../etc/passwd", collect(1).sink), BlobNotFoundError);
      const early = new Writable({
        write(_chunk, _enc, done) {
          setImmediate(() => {
            early.destroy();
            done();
          });
        },
      });
      await assert.rejects(copyTo(info.sha256, early), "a receiver that goes away ends the copy with an error");
    });

    test("a blob that is not stored: stat undefined, read BlobNotFoundError, verify missing", async () => {
      const sha = sha256Of(randomBytes(32));
      assert.equal(await store.stat(sha), undefined);
      await assert.rejects(store.read(sha), BlobNotFoundError);
      const check = await store.verify(sha);
      assert.equal(check.ok, false);
      assert.equal(check.reason, "missing");
    });

    test("names that are not SHA-256 digests (traversal attempts among them) are never stored blobs", async () => {
      for (const bad of MALFORMED_BLOB_NAMES) {
        assert.equal(await store.stat(bad), undefined, JSON.stringify(bad));
        await assert.rejects(store.read(bad), BlobNotFoundError, JSON.stringify(bad));
        const check = await store.verify(bad);
        assert.equal(check.ok, false, JSON.stringify(bad));
        assert.equal(check.reason, "missing", JSON.stringify(bad));
        await assert.rejects(
          store.put(chunked(Buffer.from("x")), { maxBytes: LIMIT, expectedSha256: bad }),
          TypeError,
          JSON.stringify(bad),
        );
      }
    });

    test("scan lists every stored blob once", async () => {
      const shas = [];
      for (let i = 0; i < 5; i++) shas.push((await put(randomBytes(100 + i))).info.sha256);
      const listed = await listAll(store);
      for (const sha of shas) assert.equal(listed.filter((s) => s === sha).length, 1);
      assert.equal(new Set(listed).size, listed.length);
      for (const sha of listed) assert.match(sha, /^[0-9a-f]{64}$/);
    });

    test("verify re-hashes: an intact blob is ok", async () => {
      const bytes = randomBytes(70_000);
      const { info } = await put(bytes);
      const check = await store.verify(info.sha256, bytes.length);
      assert.equal(check.ok, true);
      assert.equal(check.reason, "ok");
      assert.equal((await store.verify(info.sha256)).ok, true);
    });

    describe("corruption is detected and named", () => {
      const damaged = async (how: "delete" | "truncate" | "alter") => {
        if (!fx.damage) return undefined;
        const bytes = randomBytes(50_000);
        const { info } = await put(bytes);
        await fx.damage(info.sha256, how);
        return info;
      };

      test("a deleted blob is reported missing", async (t) => {
        const info = await damaged("delete");
        if (!info) return t.skip("this backend cannot damage its blobs");
        const check = await store.verify(info.sha256, info.size_bytes);
        assert.deepEqual([check.ok, check.reason], [false, "missing"]);
        assert.equal(await store.stat(info.sha256), undefined);
      });

      test("a truncated blob is reported truncated (against its recorded size), altered without one", async (t) => {
        const info = await damaged("truncate");
        if (!info) return t.skip("this backend cannot damage its blobs");
        const check = await store.verify(info.sha256, info.size_bytes);
        assert.deepEqual([check.ok, check.reason], [false, "truncated"]);
        assert.equal((await store.verify(info.sha256)).ok, false);
      });

      test("a blob whose bytes changed is reported altered", async (t) => {
        const info = await damaged("alter");
        if (!info) return t.skip("this backend cannot damage its blobs");
        const check = await store.verify(info.sha256, info.size_bytes);
        assert.deepEqual([check.ok, check.reason], [false, "altered"]);
        assert.equal((await store.verify(info.sha256)).reason, "altered");
      });
    });
  });
}
