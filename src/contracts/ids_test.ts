/**
 * New ids: well formed, unique, carrying their time, monotonic within the process, and
 * random where they must be — also once the pooled random bytes were refilled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeTime } from "ulid";
import { RUN_ID_PATTERN, newId } from "./ids.js";

test("ids at one fixed time differ in their random part, across many pool refills", () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5);
  const ids = Array.from({ length: 2000 }, () => newId("run", at)); // 32 000 random characters
  for (const { id, time } of ids) {
    assert.match(id, RUN_ID_PATTERN);
    assert.equal(time, at);
    assert.equal(decodeTime(id.slice(4)), at);
  }
  assert.equal(new Set(ids.map((i) => i.id)).size, ids.length);
});

test("every ULID character is drawn about evenly (no byte of the pool reused)", () => {
  const counts = new Map<string, number>();
  const n = 4000;
  for (let i = 0; i < n; i++) {
    for (const ch of newId("adv", 1_700_000_000_000).id.slice(14)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  assert.equal(counts.size, 32);
  const expected = (n * 16) / 32;
  for (const [ch, count] of counts) {
    // 6 standard deviations of a binomial(64 000, 1/32): fails only if the source is broken.
    assert.ok(Math.abs(count - expected) < 6 * Math.sqrt(expected), `${ch}: ${count} vs ${expected}`);
  }
});

test("ids made now are strictly increasing and encode the current time", () => {
  const before = Date.now();
  const ids = Array.from({ length: 5000 }, () => newId("wfs"));
  const after = Date.now();
  for (let i = 1; i < ids.length; i++) assert.ok((ids[i - 1]?.id ?? "") < (ids[i]?.id ?? ""));
  for (const { time } of ids) assert.ok(time >= before && time <= after);
});
