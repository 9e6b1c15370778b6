/**
 * Unit tests of the token buckets: the burst passes, then one token per 1/rate
 * seconds; the wait announced is the time until a token is back; clients are counted
 * apart; the number of buckets stays bounded whatever the number of clients.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenBuckets } from "./rate_limit.js";

test("a burst passes, then the rate holds, and the wait is until the next token", () => {
  let now = 0;
  const buckets = new TokenBuckets(10, 5, () => now);
  for (let i = 0; i < 5; i++) assert.equal(buckets.take("a"), 0, `burst ${i}`);
  const wait = buckets.take("a");
  assert.ok(wait > 0.099 && wait <= 0.1, `wait ${wait}`);
  assert.ok(buckets.take("b") === 0, "another client has its own bucket");
  now += 100;
  assert.equal(buckets.take("a"), 0, "one token back after 1/rate s");
  assert.ok(buckets.take("a") > 0);
  now += 60_000;
  for (let i = 0; i < 5; i++) assert.equal(buckets.take("a"), 0, "refilled to the burst, not beyond");
  assert.ok(buckets.take("a") > 0);
});

test("the number of buckets is bounded", () => {
  const buckets = new TokenBuckets(1, 1, () => 0);
  for (let i = 0; i < 120_000; i++) buckets.take(`addr:${i}`);
  assert.ok(buckets.size <= 100_000, `size ${buckets.size}`);
});
