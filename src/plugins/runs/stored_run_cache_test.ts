/** Tests for stored_run_cache.ts: bytes only, bounded, each hit a fresh parsed view. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StoredRunCache, ownAllocation, storedRunOf } from "./stored_run_cache.js";

const runBytes = (id: string, pad = 0) => Buffer.from(JSON.stringify({ run_id: id, pad: "x".repeat(pad) }), "utf8");

test("a hit is a new view of the cached bytes, parsed on first use", () => {
  const cache = new StoredRunCache(1024 * 1024);
  const bytes = runBytes("r1");
  cache.set("r1", storedRunOf(bytes, "sha-r1"));
  const a = cache.get("r1");
  const b = cache.get("r1");
  assert.ok(a && b);
  assert.deepEqual(a.bytes, bytes);
  assert.equal(a.bytes, b.bytes, "both views share the one cached copy");
  assert.equal(a.sha256, "sha-r1");
  assert.equal(a.artifact.run_id, "r1");
  // The parsed tree belongs to the view, not to the cache: another hit parses again.
  assert.notEqual(a.artifact, b.artifact);
  assert.deepEqual(a.artifact, b.artifact);
});

test("the cache holds no more bytes than its budget and counts its runs", () => {
  const cache = new StoredRunCache(4000);
  for (let i = 0; i < 20; i++) cache.set(`r${i}`, storedRunOf(runBytes(`r${i}`, 900), `sha${i}`));
  assert.ok(cache.bytes <= 4000, `holds ${cache.bytes} bytes`);
  assert.equal(cache.entries, 4);
  assert.equal(cache.get("r0"), undefined);
  assert.equal(cache.get("r19")?.artifact.run_id, "r19");
});

test("a miss is undefined", () => {
  assert.equal(new StoredRunCache(100).get("absent"), undefined);
});

test("a cached run never keeps a larger allocation alive (a slice of Node's shared pool is copied)", () => {
  const pooled = Buffer.from('{"run_id":"r1"}', "utf8");
  assert.ok(pooled.buffer.byteLength > pooled.length, "a small Buffer.from(string) is a slice of the pool");
  const cache = new StoredRunCache(1024);
  cache.set("r1", storedRunOf(pooled, "sha"));
  const held = cache.get("r1")?.bytes;
  assert.ok(held);
  assert.deepEqual(held, pooled);
  assert.equal(held.buffer.byteLength, held.length);
  const exact = Buffer.allocUnsafeSlow(4).fill(1);
  assert.equal(ownAllocation(exact), exact, "an exact allocation is kept, not copied");
});
