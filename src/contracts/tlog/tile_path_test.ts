/**
 * Tests of tile paths and entry bundles: the spec's example (1234067 →
 * x001/x234/067), partial tiles, a round trip for many indexes, every non-canonical
 * spelling refused; bundles round-trip and truncated ones are refused.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { decodeEntryBundle, encodeEntryBundle } from "./entry_bundle.js";
import { formatTileIndex, formatTilePath, parseTilePath } from "./tile_path.js";

describe("tile paths", () => {
  test("the spec's examples", () => {
    assert.equal(formatTileIndex(1234067), "x001/x234/067");
    assert.equal(formatTilePath({ level: 0, index: 1234067, width: 256 }), "tile/0/x001/x234/067");
    assert.equal(formatTilePath({ level: 2, index: 0, width: 1 }), "tile/2/000.p/1");
    assert.equal(formatTilePath({ level: "entries", index: 1000, width: 112 }), "tile/entries/x001/000.p/112");
    const parsed = parseTilePath("tile/entries/x001/x234/067.p/255");
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.tile, { level: "entries", index: 1234067, width: 255 });
  });

  test("format and parse are inverse", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant("entries" as const), fc.integer({ min: 0, max: 63 })),
        fc.integer({ min: 0, max: 999_999_999_999 }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const path = formatTilePath({ level, index, width });
          const parsed = parseTilePath(path);
          assert.ok(parsed.ok, path);
          assert.deepEqual(parsed.tile, { level, index, width });
        },
      ),
      { numRuns: 500 },
    );
  });

  test("non-canonical spellings are refused", () => {
    const bad = [
      "tile/0/67",
      "tile/0/0067",
      "tile/00/067",
      "tile/64/067",
      "tile/-1/067",
      "tile/0/x000/067",
      "tile/0/001/067",
      "tile/0/x001/x067",
      "tile/0/067.p/0",
      "tile/0/067.p/256",
      "tile/0/067.p/07",
      "tile/0/067.p",
      "tile/0/067/",
      "tile/0/",
      "tile/data/067",
      "tiles/0/067",
      "tile/0/x1/067",
      "tile/0/x001/x002/x003/x004/x005/006",
    ];
    for (const path of bad) assert.equal(parseTilePath(path).ok, false, path);
  });
});

describe("entry bundles", () => {
  test("round trip with big-endian uint16 lengths", () => {
    const entries = [new Uint8Array(0), Buffer.from("a"), new Uint8Array(300).fill(7)];
    const bundle = encodeEntryBundle(entries);
    assert.deepEqual([...bundle.subarray(0, 5)], [0, 0, 0, 1, 0x61]);
    assert.deepEqual([...bundle.subarray(5, 7)], [0x01, 0x2c]);
    const decoded = decodeEntryBundle(bundle);
    assert.ok(decoded.ok);
    assert.deepEqual(
      decoded.entries.map((e) => Buffer.from(e).toString("hex")),
      entries.map((e) => Buffer.from(e).toString("hex")),
    );
  });

  test("truncated bundles and oversized entries are refused", () => {
    const bundle = encodeEntryBundle([Buffer.from("abc")]);
    assert.equal(decodeEntryBundle(bundle.subarray(0, 1)).ok, false);
    assert.equal(decodeEntryBundle(bundle.subarray(0, 4)).ok, false);
    assert.throws(() => encodeEntryBundle([new Uint8Array(70_000)]), RangeError);
  });
});
