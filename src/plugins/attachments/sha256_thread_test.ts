/**
 * Unit tests of the SHA-256 worker thread: ranges of shared memory hashed in the order
 * they were asked, jobs kept apart, and a dropped job refused afterwards.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { openSha256Job } from "./sha256_thread.js";

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

describe("sha256 thread", () => {
  test("the digest is the SHA-256 of the ranges in the order they were asked, not their order in memory", async () => {
    const memory = new SharedArrayBuffer(3000);
    const view = new Uint8Array(memory);
    view.set(randomBytes(3000));
    const job = openSha256Job(memory);
    // Asked without waiting: later range first in memory, then an earlier one.
    await Promise.all([job.update(2000, 1000), job.update(0, 1500), job.update(1500, 0)]);
    assert.equal(await job.digest(), sha256(view.subarray(2000, 3000), view.subarray(0, 1500)));
  });

  test("the memory may be refilled once a range's update resolved (it was read by then)", async () => {
    const memory = new SharedArrayBuffer(1024);
    const view = new Uint8Array(memory);
    const parts = Array.from({ length: 20 }, () => randomBytes(1024));
    const job = openSha256Job(memory);
    for (const part of parts) {
      view.set(part);
      await job.update(0, part.length);
    }
    assert.equal(await job.digest(), sha256(...parts));
  });

  test("concurrent jobs keep their own state; an empty job is the SHA-256 of nothing", async () => {
    const a = new SharedArrayBuffer(64);
    const b = new SharedArrayBuffer(64);
    new Uint8Array(a).fill(1);
    new Uint8Array(b).fill(2);
    const jobA = openSha256Job(a);
    const jobB = openSha256Job(b);
    const empty = openSha256Job(new SharedArrayBuffer(8));
    await Promise.all([jobA.update(0, 64), jobB.update(0, 32), jobA.update(0, 64), jobB.update(32, 32)]);
    const [da, db, de] = await Promise.all([jobA.digest(), jobB.digest(), empty.digest()]);
    assert.equal(da, sha256(new Uint8Array(128).fill(1)));
    assert.equal(db, sha256(new Uint8Array(64).fill(2)));
    assert.equal(de, sha256());
  });

  test("a dropped or finished job refuses further requests; a range outside the memory is an error", async () => {
    const dropped = openSha256Job(new SharedArrayBuffer(16));
    dropped.drop();
    await assert.rejects(dropped.update(0, 16), /closed/);
    const finished = openSha256Job(new SharedArrayBuffer(16));
    await finished.digest();
    await assert.rejects(finished.digest(), /closed/);
    const outside = openSha256Job(new SharedArrayBuffer(16));
    await assert.rejects(outside.update(8, 16), /SHA-256 worker/);
    outside.drop();
  });
});
