/**
 * Unit tests of the upload file: where direct I/O can be had, the base it found takes
 * whole-block writes of any length at any block offset; the file is new (never
 * replaces one) and read-only; `direct: false` is an ordinary buffered file.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../../testing/test_kernel.js";
import { ALIGNMENT, createUploadFile, releaseUploadMemory } from "./direct_file.js";

const MiB = 1024 * 1024;

test("direct: the found base takes whole-block writes at block offsets, and the bytes land", async () => {
  const dir = tempDir();
  const file = path.join(dir, "direct.tmp");
  const upload = await createUploadFile(file, 2 * MiB);
  const bytes = randomBytes(2 * MiB);
  try {
    if (process.platform === "linux") assert.equal(upload.direct, true, "O_DIRECT on Linux");
    assert.equal(upload.base % 16, 0);
    assert.ok(upload.memory.byteLength >= upload.base + 2 * MiB);
    const view = new Uint8Array(upload.memory, upload.base, 2 * MiB);
    view.set(bytes);
    await upload.handle.write(view.subarray(0, MiB), 0, MiB, 0);
    await upload.handle.writev([view.subarray(MiB, MiB + ALIGNMENT), view.subarray(MiB + ALIGNMENT)], MiB);
    await upload.handle.truncate(2 * MiB - 100);
    await upload.handle.datasync();
  } finally {
    await upload.handle.close();
  }
  const stored = await fs.readFile(file);
  assert.ok(stored.equals(bytes.subarray(0, 2 * MiB - 100)));
  assert.equal((await fs.stat(file)).mode & 0o777, 0o444);
  await fs.rm(dir, { recursive: true, force: true });
});

test("the file must be new, with or without direct I/O; direct: false is buffered from offset 0", async () => {
  const dir = tempDir();
  const file = path.join(dir, "taken.tmp");
  await fs.writeFile(file, "someone else's");
  await assert.rejects(createUploadFile(file, MiB), { code: "EEXIST" });
  await assert.rejects(createUploadFile(file, MiB, false), { code: "EEXIST" });
  assert.equal(await fs.readFile(file, "utf8"), "someone else's");
  const buffered = await createUploadFile(path.join(dir, "buffered.tmp"), MiB, false);
  try {
    assert.equal(buffered.direct, false);
    assert.equal(buffered.base, 0);
    assert.equal(buffered.memory.byteLength, MiB + ALIGNMENT);
    // Any length at any offset: the page cache takes it.
    await buffered.handle.write(new Uint8Array(buffered.memory, 3, 5), 0, 5, 7);
  } finally {
    await buffered.handle.close();
  }
  assert.equal((await fs.stat(path.join(dir, "buffered.tmp"))).size, 12);
  await fs.rm(dir, { recursive: true, force: true });
});

test("released memory is reused by the next file, with the base direct I/O took; never shared by two", async () => {
  const dir = tempDir();
  const bytes = 3 * ALIGNMENT; // a size no other test uses, so the pool holds only these
  try {
    const first = await createUploadFile(path.join(dir, "1.tmp"), bytes);
    const second = await createUploadFile(path.join(dir, "2.tmp"), bytes);
    assert.notEqual(first.memory, second.memory, "two open files never share memory");
    await first.handle.close();
    releaseUploadMemory(first);
    const third = await createUploadFile(path.join(dir, "3.tmp"), bytes);
    assert.equal(third.memory, first.memory, "the released memory came back");
    assert.equal(third.base, first.base);
    assert.equal(third.direct, first.direct);
    await third.handle.write(new Uint8Array(third.memory, third.base, bytes), 0, bytes, 0);
    await Promise.all([second.handle.close(), third.handle.close()]);
    assert.equal((await fs.stat(path.join(dir, "3.tmp"))).size, bytes);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
