/**
 * Streaming reader of a legacy (v1) `runs.json`: one JSON object mapping run_id to a
 * record, possibly larger than the heap. The file is read in chunks (64 KiB by default)
 * and a small hand-written byte-level scanner delimits the top-level structure — it
 * tracks only string/escape state and a stack of open brackets, so multi-byte UTF-8
 * split across chunks needs no care — and collects the exact bytes of one record at a
 * time; each complete record is then parsed by the strict parser of `v1_value.ts`. At
 * any moment the reader holds one record (its bytes and its parsed value) plus the
 * current chunk. Errors are handled in two tiers. A record that can be delimited (its
 * strings terminate and its brackets balance) but is not valid JSON — an unquoted key
 * inside it, a trailing comma, a bad escape, invalid UTF-8, a raw control character in a
 * string, a duplicate key, a bad top-level key escape — is yielded as an error entry
 * (`ok: false`) with its raw bytes and the byte offset of the problem, and reading goes
 * on. Anything that makes the top-level structure undecidable — a truncated file, an
 * unquoted or missing top-level key, a missing ':' or ',', mismatched brackets, a UTF-8
 * BOM (Python's `json.load` refuses it too), a top level that is not an object, data
 * after the closing '}' — stops the iteration by throwing a {@link V1SyntaxError} that
 * names the byte offset (entries before it have already been yielded, so a consumer
 * must treat a throw as "file not fully read"). Duplicate top-level keys are yielded as
 * they come (Python's `json.load` would keep the last one); deduplicating is left to
 * the consumer so the reader needs no per-key memory.
 */

import { createReadStream } from "node:fs";
import { describeByte, parseV1Json, type V1ParseOptions, V1SyntaxError, type V1Value } from "./v1_value.js";

export type { PlainJson, V1Array, V1Object, V1ParseOptions, V1Value } from "./v1_value.js";
export { RawNumber, toPlainJson, V1SyntaxError } from "./v1_value.js";

/** A record of runs.json that parsed. */
export interface V1RecordEntry {
  readonly ok: true;
  /** The top-level key (the run_id the record is filed under). */
  readonly key: string;
  /** The exact bytes of the record's value text in the file. */
  readonly raw: Buffer;
  readonly value: V1Value;
  /** Byte offset of the value's first byte in the file. */
  readonly offset: number;
}

/** A record that could be delimited but is not valid JSON; reading continued after it. */
export interface V1ErrorEntry {
  readonly ok: false;
  /** The top-level key; if the key itself is malformed, its raw text decoded leniently. */
  readonly key: string;
  /** The exact bytes of the record's value text in the file. */
  readonly raw: Buffer;
  /** What is wrong, including the absolute byte offset. */
  readonly error: string;
  /** Byte offset of the value's first byte in the file. */
  readonly offset: number;
  /** Absolute byte offset of the problem. */
  readonly errorOffset: number;
}

/** One top-level member of runs.json. */
export type V1Entry = V1RecordEntry | V1ErrorEntry;

/** Options of {@link readV1Runs} and {@link readV1RunsFrom}. */
export interface V1ReadOptions extends V1ParseOptions {
  /** Bytes per read (default 64 KiB). Tiny values exist to test chunk boundaries. */
  readonly chunkSize?: number;
}

/** The default read size. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/**
 * Streams the entries of the v1 `runs.json` at `path`, one per top-level key, in file
 * order. Throws {@link V1SyntaxError} (after yielding what came before) when the
 * top-level structure is broken — see the module comment for the two error tiers — and
 * the file system's error when the file cannot be read. Breaking out of the loop early
 * closes the file.
 */
export async function* readV1Runs(path: string, options: V1ReadOptions = {}): AsyncGenerator<V1Entry, void, undefined> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  try {
    yield* readV1RunsFrom(stream as AsyncIterable<Buffer>, options);
  } finally {
    stream.destroy();
  }
}

/**
 * Like {@link readV1Runs}, over any source of byte chunks (a stream, or an array of
 * buffers in tests). Chunks may split anything, including a UTF-8 character; a chunk
 * must not be overwritten by the source after it was yielded (a record's pieces are
 * kept until the record is complete).
 */
export async function* readV1RunsFrom(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: V1ParseOptions = {},
): AsyncGenerator<V1Entry, void, undefined> {
  const scanner = new TopLevelScanner(options);
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    yield* scanner.feed(buf);
  }
  yield* scanner.end();
}

// Scanner states.
const BEFORE_OBJECT = 0; // before the opening '{'
const FIRST_KEY = 1; // after '{': a key or '}'
const NEXT_KEY = 2; // after ',': a key
const IN_KEY = 3; // inside the key string
const COLON = 4; // after the key: ':'
const BEFORE_VALUE = 5; // after ':': the value
const IN_VALUE = 6; // inside the value
const AFTER_VALUE = 7; // after a value: ',' or '}'
const AFTER_OBJECT = 8; // after the closing '}': white space only

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_BYTE = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The incremental part: a state machine fed chunk by chunk. It never decodes text; it
 * only finds where each key and value starts and ends and copies those bytes.
 */
class TopLevelScanner {
  private state = BEFORE_OBJECT;
  /** Absolute offset of the first byte of the chunk being fed. */
  private chunkBase = 0;
  /** Pieces of the key or value being collected (slices of earlier chunks). */
  private parts: Buffer[] = [];
  private tokenStart = 0;
  private key = "";
  private keyError: V1SyntaxError | undefined;
  private valueStart = 0;
  // Value scanning state.
  private inString = false;
  private escaped = false;
  private scalar = false;
  private readonly closers: number[] = [];

  constructor(private readonly options: V1ParseOptions) {}

  private fatal(reason: string, at: number): never {
    throw new V1SyntaxError(`runs.json: ${reason}`, at);
  }

  *feed(buf: Buffer): Generator<V1Entry, void, undefined> {
    const n = buf.length;
    // Start of the part of this chunk that belongs to the token being collected.
    let partFrom = 0;
    let i = 0;
    while (i < n) {
      const b = buf[i] as number;
      switch (this.state) {
        case BEFORE_OBJECT:
          if (isWhitespace(b)) break;
          if (b === OPEN_BRACE) this.state = FIRST_KEY;
          else if (b === 0xef && this.chunkBase + i === 0) {
            this.fatal("unexpected UTF-8 byte order mark (Python's json.load refuses it)", 0);
          } else {
            this.fatal(`unexpected ${describeByte(b)}, the file must hold one JSON object`, this.at(i));
          }
          break;
        case FIRST_KEY:
        case NEXT_KEY:
          if (isWhitespace(b)) break;
          if (b === QUOTE) {
            this.state = IN_KEY;
            this.tokenStart = this.at(i);
            this.escaped = false;
            partFrom = i;
          } else if (b === CLOSE_BRACE && this.state === FIRST_KEY) {
            this.state = AFTER_OBJECT;
          } else {
            const hint = b === CLOSE_BRACE ? " (trailing comma?)" : "";
            this.fatal(`unexpected ${describeByte(b)}, expected a double-quoted key${hint}`, this.at(i));
          }
          break;
        case IN_KEY:
          if (this.escaped) this.escaped = false;
          else if (b === BACKSLASH) this.escaped = true;
          else if (b === QUOTE) {
            this.parts.push(buf.subarray(partFrom, i + 1));
            this.finishKey();
            this.state = COLON;
          }
          break;
        case COLON:
          if (isWhitespace(b)) break;
          if (b !== COLON_BYTE) {
            this.fatal(`unexpected ${describeByte(b)}, expected ':' after the key`, this.at(i));
          }
          this.state = BEFORE_VALUE;
          break;
        case BEFORE_VALUE:
          if (isWhitespace(b)) break;
          if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || b === COLON_BYTE) {
            this.fatal(`unexpected ${describeByte(b)}, expected a value`, this.at(i));
          }
          this.valueStart = this.at(i);
          this.inString = false;
          this.escaped = false;
          this.scalar = b !== QUOTE && b !== OPEN_BRACE && b !== OPEN_BRACKET;
          this.closers.length = 0;
          partFrom = i;
          this.state = IN_VALUE;
          continue; // the first byte is scanned in IN_VALUE
        case IN_VALUE: {
          const end = this.scanValue(buf, i);
          if (end < 0) {
            i = n;
            continue;
          }
          this.parts.push(buf.subarray(partFrom, end));
          yield this.finishValue();
          this.state = AFTER_VALUE;
          i = end;
          continue; // a scalar ends before its delimiter, which AFTER_VALUE must see
        }
        case AFTER_VALUE:
          if (isWhitespace(b)) break;
          if (b === COMMA) this.state = NEXT_KEY;
          else if (b === CLOSE_BRACE) this.state = AFTER_OBJECT;
          else {
            this.fatal(
              `unexpected ${describeByte(b)}, expected ',' or '}' after the record of key ${JSON.stringify(this.key)}`,
              this.at(i),
            );
          }
          break;
        case AFTER_OBJECT:
          if (!isWhitespace(b)) {
            this.fatal(`unexpected ${describeByte(b)} after the end of the top-level object`, this.at(i));
          }
          break;
      }
      i++;
    }
    // A key or value that goes on in the next chunk keeps this chunk's tail.
    if ((this.state === IN_KEY || this.state === IN_VALUE) && partFrom < n) {
      this.parts.push(buf.subarray(partFrom, n));
    }
    this.chunkBase += n;
  }

  *end(): Generator<V1Entry, void, undefined> {
    if (this.state === IN_VALUE && this.scalar) {
      // A scalar value ended by the end of input: yield it, then report the truncation.
      yield this.finishValue();
      this.state = AFTER_VALUE;
    }
    if (this.state === AFTER_OBJECT) return;
    const where = this.state === BEFORE_OBJECT ? "the file is empty" : "the file is truncated";
    const inside = this.state === IN_VALUE ? ` (inside the record of key ${JSON.stringify(this.key)})` : "";
    this.fatal(`unexpected end of input: ${where}${inside}`, this.chunkBase);
  }

  private at(i: number): number {
    return this.chunkBase + i;
  }

  /**
   * Scans value bytes from `i`; returns the index just past the value's end in `buf`,
   * or -1 when the value continues in the next chunk.
   */
  private scanValue(buf: Buffer, from: number): number {
    const n = buf.length;
    const closers = this.closers;
    if (this.scalar) {
      for (let i = from; i < n; i++) {
        const b = buf[i] as number;
        if (isWhitespace(b) || b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET) return i;
      }
      return -1;
    }
    let inString = this.inString;
    let escaped = this.escaped;
    for (let i = from; i < n; i++) {
      const b = buf[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (closers.length === 0) return i + 1; // the value was a string
        }
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE) closers.push(CLOSE_BRACE);
      else if (b === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        const expected = closers.pop();
        if (b !== expected) {
          this.fatal(
            `mismatched ${describeByte(b)}, expected ${describeByte(expected)} (record of key ${JSON.stringify(this.key)} starting at byte ${this.valueStart})`,
            this.at(i),
          );
        }
        if (closers.length === 0) return i + 1;
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    return -1;
  }

  private takeParts(): Buffer {
    const raw = Buffer.concat(this.parts); // always a copy: no chunk stays referenced
    this.parts = [];
    return raw;
  }

  private finishKey(): void {
    const raw = this.takeParts();
    this.keyError = undefined;
    try {
      const key = parseV1Json(raw, this.tokenStart, this.options);
      this.key = key as string; // a complete "..." token parses to a string or fails
    } catch (error) {
      if (!(error instanceof V1SyntaxError)) throw error;
      this.keyError = error;
      this.key = raw.subarray(1, raw.length - 1).toString("utf8");
    }
  }

  private finishValue(): V1Entry {
    const raw = this.takeParts();
    const base = { key: this.key, raw, offset: this.valueStart };
    if (this.keyError !== undefined) {
      const e = this.keyError;
      return { ok: false, ...base, error: `key: ${e.message}`, errorOffset: e.offset };
    }
    try {
      return { ok: true, ...base, value: parseV1Json(raw, this.valueStart, this.options) };
    } catch (error) {
      if (!(error instanceof V1SyntaxError)) throw error;
      return { ok: false, ...base, error: error.message, errorOffset: error.offset };
    }
  }
}
