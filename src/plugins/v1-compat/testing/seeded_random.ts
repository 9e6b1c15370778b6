/**
 * A small deterministic pseudo-random source for generated test data: the same seed
 * gives the same sequence on every machine and Node version (no `Math.random`). It is
 * xoshiro128** (32-bit words, period 2^128 − 1) seeded through splitmix32 from both
 * halves of a safe-integer seed, with the few draws the v1 store generator needs —
 * uniform floats, inclusive integer ranges, a choice from a list, 48 random bits.
 * Not for anything secret.
 */

/** A seeded random source; every draw advances it. */
export class SeededRandom {
  readonly #s = new Uint32Array(4);

  /** `seed`: a non-negative safe integer (a RangeError otherwise). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer: ${seed}`);
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      // splitmix32: spreads the seed's bits over the four state words.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5), 7), 9) >>> 0;
    const t = (s[1] as number) << 9;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  random(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 2 ** 26 + low) / 2 ** 53;
  }

  /** A float in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** An integer in [a, b], both ends included (safe integers, a <= b). */
  int(a: number, b: number): number {
    return a + Math.floor(this.random() * (b - a + 1));
  }

  /** One element of a non-empty list. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("choice from an empty list");
    return items[Math.floor(this.random() * items.length)] as T;
  }

  /** 48 random bits as 12 lowercase hex digits. */
  hex48(): string {
    const high = this.nextUint32() >>> 16;
    const low = this.nextUint32();
    return high.toString(16).padStart(4, "0") + low.toString(16).padStart(8, "0");
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
