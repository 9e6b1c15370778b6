/**
 * C2SP `tlog-tiles` resource paths: `tile/<L>/<N>[.p/<W>]` for hash tiles and
 * `tile/entries/<N>[.p/<W>]` for entry bundles. `<L>` is 0–63 in decimal without
 * leading zeroes; `<N>` the tile index in zero-padded 3-digit path elements, all but
 * the last prefixed with `x` (1234067 → `x001/x234/067`); `.p/<W>` marks a partial
 * tile of width 1–255. Tiles are 256 hashes wide (height 8). Parsing is strict: the
 * only accepted spelling of a tile is the one {@link formatTilePath} writes.
 */
import { refuse, type Verified } from "./verify_result.js";

/** Tile height: each tile spans 8 tree levels. */
export const TILE_HEIGHT = 8;
/** Hashes (or entries) in a full tile. */
export const TILE_WIDTH = 256;
/** The highest tile level. */
export const MAX_TILE_LEVEL = 63;

/** One tile: a level (or "entries"), an index in that level, and a width (256 = full). */
export interface TileId {
  readonly level: number | "entries";
  readonly index: number;
  readonly width: number;
}

/** `<N>` of a tile index: 3-digit elements, all but the last with an `x`. */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`invalid tile index ${index}`);
  const parts: string[] = [];
  let n = index;
  do {
    parts.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join("/");
}

/** The path of a tile, `tile/…` (no leading slash). */
export function formatTilePath(tile: TileId): string {
  const { level, width } = tile;
  if (level !== "entries" && !(Number.isInteger(level) && level >= 0 && level <= MAX_TILE_LEVEL)) {
    throw new RangeError(`invalid tile level ${level}`);
  }
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`invalid tile width ${width}`);
  return `tile/${level}/${formatTileIndex(tile.index)}${width < TILE_WIDTH ? `.p/${width}` : ""}`;
}

const LEVEL = /^(0|[1-9][0-9]?)$/;
const WIDTH = /^[1-9][0-9]{0,2}$/;

/** Parses `tile/<L or entries>/<N>[.p/<W>]` strictly. */
export function parseTilePath(path: string): Verified<{ tile: TileId }> {
  const segments = path.split("/");
  if (segments[0] !== "tile" || segments.length < 3) return refuse("a tile path is tile/<L>/<N>[.p/<W>]");
  const levelText = segments[1] as string;
  let level: number | "entries";
  if (levelText === "entries") level = "entries";
  else if (LEVEL.test(levelText) && Number(levelText) <= MAX_TILE_LEVEL) level = Number(levelText);
  else return refuse(`the tile level ${JSON.stringify(levelText)} is not entries or 0–63 without leading zeroes`);
  let rest = segments.slice(2);
  let width = TILE_WIDTH;
  const last = rest[rest.length - 1] as string;
  if (rest.length >= 2 && (rest[rest.length - 2] as string).endsWith(".p")) {
    if (!WIDTH.test(last) || Number(last) > TILE_WIDTH - 1) return refuse("a partial tile's width must be 1–255");
    width = Number(last);
    rest = rest.slice(0, -1);
    rest[rest.length - 1] = (rest[rest.length - 1] as string).slice(0, -2);
  }
  if (rest.length > 5) return refuse("the tile index has too many path elements");
  let index = 0;
  for (const [i, element] of rest.entries()) {
    const final = i === rest.length - 1;
    const match = (final ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(element);
    if (!match) {
      return refuse(`tile index element ${JSON.stringify(element)} must be ${final ? "3 digits" : "x and 3 digits"}`);
    }
    if (i === 0 && !final && match[1] === "000") return refuse("the tile index has a leading zero element");
    index = index * 1000 + Number(match[1]);
  }
  return { ok: true, tile: { level, index, width } };
}
