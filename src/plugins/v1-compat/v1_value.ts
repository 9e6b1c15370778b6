/**
 * The value model of a legacy (v1) `runs.json` record and a strict byte-level JSON
 * parser for one complete record. v1 files were written by Python's `json.dump`, and
 * the v1 hashes were computed over Python values, so a record is kept in a form that
 * loses nothing Python would have seen: numbers keep their text exactly as written
 * ({@link RawNumber}, so `1.0` stays `1.0` and `12345678901234567890` stays exact),
 * objects are `Map`s that keep the key order of the file, and strings are decoded from
 * UTF-8 bytes with the same rules as Python (`json.loads`, strict mode): invalid UTF-8,
 * raw control characters inside strings and unknown escapes are errors, `\uXXXX`
 * escapes may yield lone surrogates (Python accepts them too), and `NaN`, `Infinity`
 * and `-Infinity` are accepted as numbers because Python's `json.dump` writes them.
 * Unlike Python (where the last duplicate key silently wins), a duplicate key inside an
 * object is an error, so that no v1 data is dropped unnoticed. Every error is a
 * {@link V1SyntaxError} carrying the absolute byte offset where it was found.
 */

/** A JSON number kept as the exact text it had in the file (`1.0`, `-0.0`, `1e-05`). */
export class RawNumber {
  constructor(readonly text: string) {}

  /** The number as a JS double (`Number(text)`); integers beyond 2^53 lose precision. */
  toNumber(): number {
    return Number(this.text);
  }
}

/** A parsed v1 JSON value: objects are key-ordered `Map`s, numbers are {@link RawNumber}. */
export type V1Value = null | boolean | string | RawNumber | V1Array | V1Object;
/** A v1 JSON array. */
export type V1Array = readonly V1Value[];
/** A v1 JSON object, keys in file order (always unique: duplicates are a parse error). */
export type V1Object = ReadonlyMap<string, V1Value>;

/** A plain JS JSON value, as produced by `JSON.parse`. */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

/** Malformed v1 JSON. `offset` is the absolute byte offset in the file (or buffer). */
export class V1SyntaxError extends Error {
  override readonly name = "V1SyntaxError";
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at byte ${offset}`);
  }
}

/** Python's json module recurses per nesting level; deeper values are refused here. */
export const MAX_V1_DEPTH = 1000;

/** Options of {@link parseV1Json}. */
export interface V1ParseOptions {
  /** Accept `NaN`, `Infinity`, `-Infinity` as numbers, as Python does (default true). */
  readonly allowNonFinite?: boolean;
}

/**
 * Parses exactly one JSON value (optionally surrounded by JSON white space) from `bytes`.
 * `baseOffset` is added to every reported error offset, so that errors inside a record
 * name their position in the whole file. Throws {@link V1SyntaxError}.
 */
export function parseV1Json(bytes: Uint8Array, baseOffset = 0, options: V1ParseOptions = {}): V1Value {
  const parser = new Parser(bytes, baseOffset, options.allowNonFinite ?? true);
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.pos < bytes.length) parser.fail(`unexpected ${describeByte(parser.peek())} after the value`);
  return value;
}

/**
 * Converts a v1 value to ordinary JS values, as `JSON.parse` would produce them.
 * Numbers become `Number(text)`: integers beyond 2^53 lose precision and `1.0` becomes
 * `1`, so use this for reading fields, never for hashing (see `python_json.ts`).
 */
export function toPlainJson(value: V1Value): PlainJson {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (value instanceof RawNumber) return value.toNumber();
  if (Array.isArray(value)) return value.map(toPlainJson);
  const out: { [key: string]: PlainJson } = {};
  for (const [key, item] of value as V1Object) {
    // Like JSON.parse, "__proto__" becomes an own property rather than the prototype.
    if (key === "__proto__") {
      Object.defineProperty(out, key, {
        value: toPlainJson(item),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else out[key] = toPlainJson(item);
  }
  return out;
}

/** Describes a byte for an error message: `'x'` for printable ASCII, else `byte 0xNN`. */
export function describeByte(b: number | undefined): string {
  if (b === undefined) return "end of input";
  if (b >= 0x20 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `byte 0x${b.toString(16).padStart(2, "0")}`;
}

/**
 * Returns the offset (relative to `bytes`) of the first byte that starts an invalid
 * UTF-8 sequence in `bytes[start, end)`, or -1 when the range is valid UTF-8
 * (no overlong forms, no encoded surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let trailing: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) trailing = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      trailing = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      trailing = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + trailing >= end) return i;
    const b1 = bytes[i + 1] as number;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= trailing; k++) {
      if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    i += trailing + 1;
  }
  return -1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '"'],
  [0x5c, "\\"],
  [0x2f, "/"],
  [0x62, "\b"],
  [0x66, "\f"],
  [0x6e, "\n"],
  [0x72, "\r"],
  [0x74, "\t"],
]);

function isWhitespace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isDigit(b: number | undefined): b is number {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** Recursive-descent parser over one complete buffer (the record is already delimited). */
class Parser {
  pos = 0;
  private readonly buf: Buffer;

  constructor(
    bytes: Uint8Array,
    private readonly base: number,
    private readonly allowNonFinite: boolean,
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  peek(): number | undefined {
    return this.buf[this.pos];
  }

  fail(reason: string, at = this.pos): never {
    throw new V1SyntaxError(reason, this.base + at);
  }

  skipWhitespace(): void {
    while (isWhitespace(this.buf[this.pos])) this.pos++;
  }

  parseValue(depth: number): V1Value {
    const b = this.peek();
    switch (b) {
      case 0x7b: // {
        return this.parseObject(depth + 1);
      case 0x5b: // [
        return this.parseArray(depth + 1);
      case QUOTE:
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral("true", true);
      case 0x66: // f
        return this.parseLiteral("false", false);
      case 0x6e: // n
        return this.parseLiteral("null", null);
      case 0x4e: // N
        return this.parseNonFinite("NaN");
      case 0x49: // I
        return this.parseNonFinite("Infinity");
      default:
        if (b === 0x2d || isDigit(b)) return this.parseNumber();
        return this.fail(`unexpected ${describeByte(b)}, expected a JSON value`);
    }
  }

  private parseObject(depth: number): V1Object {
    if (depth > MAX_V1_DEPTH) this.fail(`nesting deeper than ${MAX_V1_DEPTH} levels`);
    this.pos++;
    const map = new Map<string, V1Value>();
    this.skipWhitespace();
    if (this.peek() === 0x7d) {
      this.pos++;
      return map;
    }
    for (;;) {
      const b = this.peek();
      if (b !== QUOTE) {
        const hint = b === 0x7d ? " (trailing comma?)" : "";
        this.fail(`unexpected ${describeByte(b)}, expected a double-quoted key${hint}`);
      }
      const keyAt = this.pos;
      const key = this.parseString();
      if (map.has(key)) this.fail(`duplicate key ${JSON.stringify(key)} in object`, keyAt);
      this.skipWhitespace();
      if (this.peek() !== 0x3a) this.fail(`unexpected ${describeByte(this.peek())}, expected ':'`);
      this.pos++;
      this.skipWhitespace();
      map.set(key, this.parseValue(depth));
      this.skipWhitespace();
      const next = this.peek();
      if (next === 0x7d) {
        this.pos++;
        return map;
      }
      if (next !== 0x2c) this.fail(`unexpected ${describeByte(next)}, expected ',' or '}'`);
      this.pos++;
      this.skipWhitespace();
    }
  }

  private parseArray(depth: number): V1Array {
    if (depth > MAX_V1_DEPTH) this.fail(`nesting deeper than ${MAX_V1_DEPTH} levels`);
    this.pos++;
    const items: V1Value[] = [];
    this.skipWhitespace();
    if (this.peek() === 0x5d) {
      this.pos++;
      return items;
    }
    for (;;) {
      if (this.peek() === 0x5d) this.fail("unexpected ']', expected a JSON value (trailing comma?)");
      items.push(this.parseValue(depth));
      this.skipWhitespace();
      const next = this.peek();
      if (next === 0x5d) {
        this.pos++;
        return items;
      }
      if (next !== 0x2c) this.fail(`unexpected ${describeByte(next)}, expected ',' or ']'`);
      this.pos++;
      this.skipWhitespace();
    }
  }

  private parseLiteral<T extends V1Value>(word: string, value: T): T {
    this.expectWord(word);
    return value;
  }

  private parseNonFinite(word: "NaN" | "Infinity"): RawNumber {
    const start = this.pos;
    this.expectWord(word);
    if (!this.allowNonFinite) this.fail(`${word} is not allowed`, start);
    return new RawNumber(word);
  }

  private expectWord(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.buf[this.pos + k] !== word.charCodeAt(k)) {
        this.fail(`invalid literal, expected '${word}'`, this.pos + k);
      }
    }
    this.pos += word.length;
  }

  /** JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — or -Infinity. */
  private parseNumber(): RawNumber {
    const buf = this.buf;
    const start = this.pos;
    if (buf[this.pos] === 0x2d) {
      this.pos++;
      if (buf[this.pos] === 0x49) {
        this.expectWord("Infinity");
        if (!this.allowNonFinite) this.fail("-Infinity is not allowed", start);
        return new RawNumber("-Infinity");
      }
    }
    if (buf[this.pos] === 0x30) this.pos++;
    else if (isDigit(buf[this.pos])) this.skipDigits();
    else this.fail(`invalid number: unexpected ${describeByte(buf[this.pos])} after '-'`);
    if (buf[this.pos] === 0x2e) {
      this.pos++;
      if (!isDigit(buf[this.pos])) this.fail("invalid number: a digit must follow '.'");
      this.skipDigits();
    }
    if (buf[this.pos] === 0x65 || buf[this.pos] === 0x45) {
      this.pos++;
      if (buf[this.pos] === 0x2b || buf[this.pos] === 0x2d) this.pos++;
      if (!isDigit(buf[this.pos])) this.fail("invalid number: a digit must follow the exponent");
      this.skipDigits();
    }
    return new RawNumber(buf.toString("latin1", start, this.pos));
  }

  private skipDigits(): void {
    while (isDigit(this.buf[this.pos])) this.pos++;
  }

  /** Parses a string starting at the opening quote; decodes UTF-8 strictly. */
  private parseString(): string {
    const buf = this.buf;
    const start = this.pos;
    let segment = ++this.pos;
    let ascii = true;
    let out = "";
    for (;;) {
      const b = buf[this.pos];
      if (b === undefined) this.fail("unterminated string", start);
      if (b === QUOTE) {
        out += this.decode(segment, this.pos, ascii);
        this.pos++;
        return out;
      }
      if (b < 0x20) this.fail(`unescaped control character ${describeByte(b)} in string`);
      if (b >= 0x80) ascii = false;
      if (b !== BACKSLASH) {
        this.pos++;
        continue;
      }
      out += this.decode(segment, this.pos, ascii);
      ascii = true;
      out += this.parseEscape();
      segment = this.pos;
    }
  }

  private parseEscape(): string {
    const escapeAt = this.pos;
    const e = this.buf[this.pos + 1];
    if (e === 0x75) {
      let code = 0;
      for (let k = 2; k < 6; k++) {
        const h = hexValue(this.buf[this.pos + k]);
        if (h < 0) this.fail("invalid \\uXXXX escape", escapeAt);
        code = code * 16 + h;
      }
      this.pos += 6;
      // A pair of \u escapes forms one astral character by plain concatenation, as in
      // Python; an unpaired one stays a lone surrogate (Python accepts it as well).
      return String.fromCharCode(code);
    }
    const short = e === undefined ? undefined : SHORT_ESCAPES.get(e);
    if (short === undefined) this.fail(`invalid escape '\\' + ${describeByte(e)}`, escapeAt);
    this.pos += 2;
    return short;
  }

  private decode(start: number, end: number, ascii: boolean): string {
    if (start === end) return "";
    if (ascii) return this.buf.toString("latin1", start, end);
    try {
      return utf8.decode(this.buf.subarray(start, end));
    } catch {
      const bad = firstInvalidUtf8(this.buf, start, end);
      return this.fail("invalid UTF-8 in string", bad < 0 ? start : bad);
    }
  }
}
