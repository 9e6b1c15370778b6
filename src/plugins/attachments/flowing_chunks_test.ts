/**
 * Unit tests of flowingChunks: every byte in order, the queue bound (the stream is
 * paused above it and resumed below half), waiting chunks handed out as they came (never joined), an early stop that leaves the stream
 * paused, attached to nothing and not destroyed, and failures — an error, or a close
 * before the end — thrown in the consumer.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { flowingChunks } from "./flowing_chunks.js";

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe("flowingChunks", () => {
  test("hands out every chunk in order (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 5000 }), { maxLength: 30 }),
        async (chunks) => {
          const stream = Readable.from(chunks.map((c) => Buffer.from(c)));
          const got = await collect(flowingChunks(stream, 8192));
          assert.ok(got.equals(Buffer.concat(chunks.map((c) => Buffer.from(c)))));
        },
      ),
      { numRuns: 50 },
    );
  });

  test("an empty stream gives no chunk", async () => {
    const stream = new PassThrough();
    stream.end();
    assert.equal((await collect(flowingChunks(stream))).length, 0);
  });

  test("holds at most about maxBufferedBytes: the stream is paused above it and resumed below half", async () => {
    const stream = new PassThrough({ highWaterMark: 64 * 1024 });
    const data = randomBytes(4 * 1024 * 1024);
    const iterator = flowingChunks(stream, 256 * 1024)[Symbol.asyncIterator]();
    const writer = (async () => {
      for (let at = 0; at < data.length; at += 64 * 1024) {
        if (!stream.write(data.subarray(at, at + 64 * 1024))) await new Promise((r) => stream.once("drain", r));
      }
      stream.end();
    })();
    const first = await iterator.next();
    await sleep(50); // a slow consumer: the producer runs ahead until the bound
    assert.equal(stream.isPaused(), true, "paused once the queue is full");
    const parts = [Buffer.from(first.value as Uint8Array)];
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) break;
      parts.push(Buffer.from(value));
    }
    await writer;
    assert.ok(Buffer.concat(parts).equals(data));
  });

  test("stopping early pauses and detaches, without destroying the stream", async () => {
    const stream = new PassThrough();
    stream.write(Buffer.alloc(10, 1));
    stream.write(Buffer.alloc(10, 2));
    for await (const chunk of flowingChunks(stream)) {
      assert.deepEqual(chunk, Buffer.alloc(10, 1), "the first chunk as it was written");
      break;
    }
    assert.equal(stream.destroyed, false);
    assert.equal(stream.isPaused(), true);
    assert.equal(stream.listenerCount("data"), 0);
    assert.equal(stream.listenerCount("end"), 0);
  });

  test("waiting chunks are handed out as they came: the same buffers, never joined copies", async () => {
    const stream = new PassThrough({ highWaterMark: 16 * 1024 * 1024 });
    const piece = 300 * 1024;
    const written = Array.from({ length: 10 }, () => randomBytes(piece));
    for (const buffer of written) stream.write(buffer);
    stream.end();
    await sleep(10);
    const got: Uint8Array[] = [];
    for await (const chunk of flowingChunks(stream, 16 * 1024 * 1024)) got.push(chunk);
    assert.equal(got.length, written.length);
    for (const [i, chunk] of got.entries())
      assert.equal(chunk, written[i], `chunk ${i} is the buffer written, not a copy`);
  });

  test("an error, or a close before the end, is thrown in the consumer", async () => {
    const failing = new PassThrough();
    const consumer = collect(flowingChunks(failing));
    failing.write(Buffer.alloc(100));
    failing.destroy(new Error("connection reset"));
    await assert.rejects(consumer, /connection reset/);

    const closing = new PassThrough();
    const consumer2 = collect(flowingChunks(closing));
    closing.write(Buffer.alloc(100));
    closing.destroy();
    await assert.rejects(consumer2, /closed before the body was complete/);
  });
});
