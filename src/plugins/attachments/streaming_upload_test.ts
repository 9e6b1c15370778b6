/**
 * Unit tests of StreamingUpload on real files, with direct I/O and without: every byte
 * lands in order and is hashed, whatever the chunk sizes (a last partial block is
 * padded and cut off again); the ring is reused many times over; `abandon` removes the
 * temp file, also after a failed write.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { tempDir } from "../../testing/test_kernel.js";
import { SLOT_BYTES, SLOTS, StreamingUpload } from "./streaming_upload.js";

/** `bytes` in pieces of the given sizes, repeated. */
function pieces(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

for (const direct of [true, false]) {
  describe(`StreamingUpload (${direct ? "direct I/O where possible" : "buffered"})`, () => {
    test("every byte is written in order and hashed, over several turns of the ring", async () => {
      const dir = tempDir();
      try {
        // More than the ring holds twice, not a whole number of blocks, in odd pieces.
        const bytes = randomBytes(2 * SLOTS * SLOT_BYTES + 3 * SLOT_BYTES + 4097);
        const upload = await StreamingUpload.open(path.join(dir, "up.tmp"), { direct });
        if (!direct) assert.equal(upload.direct, false);
        for (const piece of pieces(bytes, [65_536, 1, 1_000_003, 7, SLOT_BYTES, 300_000])) await upload.write(piece);
        const digest = await upload.complete();
        await upload.syncAndClose();
        assert.equal(digest, createHash("sha256").update(bytes).digest("hex"));
        const stored = await fs.readFile(path.join(dir, "up.tmp"));
        assert.equal(stored.length, bytes.length);
        assert.ok(stored.equals(bytes));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    test("a body of whole slots, and one of a few bytes past a slot, keep their exact size", async () => {
      const dir = tempDir();
      try {
        for (const size of [SLOT_BYTES, SLOT_BYTES + 5]) {
          const bytes = randomBytes(size);
          const file = path.join(dir, `up-${size}.tmp`);
          const upload = await StreamingUpload.open(file, { direct });
          await upload.write(bytes);
          assert.equal(await upload.complete(), createHash("sha256").update(bytes).digest("hex"));
          await upload.syncAndClose();
          assert.ok((await fs.readFile(file)).equals(bytes));
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    test("abandon removes the temp file, with writes in flight and after a failed write", async () => {
      const dir = tempDir();
      try {
        const inFlight = await StreamingUpload.open(path.join(dir, "a.tmp"), { direct });
        await inFlight.write(randomBytes(3 * SLOT_BYTES));
        await inFlight.abandon(undefined);
        assert.deepEqual(await fs.readdir(dir), []);

        // The directory vanishes under the upload's own temp file: its handle stays usable,
        // so the failure is made by closing the file under the writes instead.
        const failing = await StreamingUpload.open(path.join(dir, "b.tmp"), { direct });
        await (failing as unknown as { handle: { close(): Promise<void> } }).handle.close();
        await assert.rejects(
          (async () => {
            for (let i = 0; i < 2 * SLOTS; i++) await failing.write(randomBytes(SLOT_BYTES));
            await failing.complete();
          })(),
          { code: "EBADF" },
        );
        await failing.abandon(undefined);
        assert.deepEqual(await fs.readdir(dir), []);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
}
