/**
 * Byte-exact emulation of how v1 hashed JSON: SHA-256 of the UTF-8 encoding of Python's
 * `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`. That text
 * differs from RFC 8785 in three ways this module reproduces: object keys are sorted by
 * Unicode code point (Python `str` order, which differs from JS's UTF-16 code-unit order
 * once astral characters meet U+E000..U+FFFF), strings escape only `"`, `\`, and control
 * characters below U+0020 (`\n \r \t \b \f` short, the rest as lowercase `\u00XX`; DEL,
 * `/` and all non-ASCII stay raw), and numbers are Python reprs (`1.0`, `1e-05`,
 * `1e+16`, `-0.0`, arbitrary-size integers, `NaN`/`Infinity`). By default a number is
 * written with the text it had in the v1 file, because that file was itself written by
 * Python's `json.dump` and so already holds the repr. Edge cases where text-as-written
 * would NOT equal what Python computes — only possible in files not written by Python —
 * are `1E5` or `1e5` (Python: `100000.0`), `-0` (Python int: `0`), `1.50` (`1.5`), `1e400`
 * (`Infinity`); `{ numbers: "python" }` normalises every number the way
 * `json.dumps(json.loads(text))` does and covers them. Python ints with more than 4300
 * digits cannot even be parsed by Python 3.11+ (int max str digits); not emulated. A
 * lone surrogate (from a `\uD800` escape) is emitted raw as Python does, but Python's
 * `.encode("utf-8")` of the result then raises, so v1 could never have produced a hash
 * for such a value: {@link v1Sha256} refuses it with a {@link V1HashError}.
 */

import { createHash } from "node:crypto";
import { RawNumber, type V1Object, type V1Value } from "./v1_value.js";

/** Raised when a value has no v1 hash (Python would have failed to compute one). */
export class V1HashError extends Error {
  override readonly name = "V1HashError";
}

/** Options of {@link pythonJsonDumps}. */
export interface PythonDumpsOptions {
  /**
   * `"as-written"` (default): each number keeps its text from the v1 file.
   * `"python"`: each number is rewritten as Python's `json.dumps(json.loads(text))` would.
   */
  readonly numbers?: "as-written" | "python";
}

/**
 * Reproduces `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
 * for a value Python's `json.loads` would have produced from the same JSON text.
 */
export function pythonJsonDumps(value: V1Value, options: PythonDumpsOptions = {}): string {
  const python = options.numbers === "python";
  const parts: string[] = [];
  const write = (v: V1Value): void => {
    if (v === null) parts.push("null");
    else if (v === true) parts.push("true");
    else if (v === false) parts.push("false");
    else if (typeof v === "string") parts.push(pythonJsonString(v));
    else if (v instanceof RawNumber) parts.push(python ? pythonNumberText(v.text) : v.text);
    else if (Array.isArray(v)) {
      parts.push("[");
      v.forEach((item: V1Value, index: number) => {
        if (index > 0) parts.push(",");
        write(item);
      });
      parts.push("]");
    } else {
      const map = v as V1Object;
      parts.push("{");
      const keys = [...map.keys()].sort(comparePythonStr);
      keys.forEach((key, index) => {
        if (index > 0) parts.push(",");
        parts.push(pythonJsonString(key), ":");
        write(map.get(key) as V1Value);
      });
      parts.push("}");
    }
  };
  write(value);
  return parts.join("");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The v1 hash of a value: sha256 hex of the UTF-8 bytes of {@link pythonJsonDumps}.
 * Throws {@link V1HashError} if the text holds a lone surrogate (Python's encode fails).
 */
export function v1Sha256(value: V1Value, options: PythonDumpsOptions = {}): string {
  const text = pythonJsonDumps(value, options);
  if (LONE_SURROGATE.test(text)) {
    throw new V1HashError("value holds a lone surrogate: Python's .encode('utf-8') would raise, so it has no v1 hash");
  }
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Orders two strings by Unicode code point, like Python's `str` comparison (lone
 * surrogates count as their own code point). JS `<` compares UTF-16 code units instead,
 * which puts an astral character (high surrogate 0xD800..) before U+E000..U+FFFF.
 */
export function comparePythonStr(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // If the shared prefix ends with a high surrogate, the differing code points start
  // one unit earlier (that surrogate may pair with the next unit in one string only).
  const prev = i > 0 ? a.charCodeAt(i - 1) : 0;
  const at = prev >= 0xd800 && prev <= 0xdbff ? i - 1 : i;
  return (a.codePointAt(at) as number) - (b.codePointAt(at) as number);
}

/** A JSON string literal exactly as Python's `json.dumps(..., ensure_ascii=False)` writes it. */
export function pythonJsonString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(from, i) + escapeChar(c);
    from = i + 1;
  }
  return `${out}${s.slice(from)}"`;
}

function escapeChar(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return "\\\\";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    default:
      return `\\u${c.toString(16).padStart(4, "0")}`;
  }
}

/**
 * The text Python's `json.dumps(json.loads(text))` gives for a JSON number text:
 * integers (no `.`, `e`, `E`) are Python ints, written in full (`-0` → `0`); anything
 * else is a float, written as {@link pythonFloatRepr}; `NaN`, `Infinity`, `-Infinity`
 * are kept.
 */
export function pythonNumberText(text: string): string {
  if (text === "NaN" || text === "Infinity" || text === "-Infinity") return text;
  if (/[.eE]/.test(text)) return pythonFloatRepr(Number(text));
  return BigInt(text).toString();
}

/**
 * Python's `repr(float)` (which `json.dumps` uses): the shortest round-tripping digits
 * (the same digits as JS `Number#toString`), in fixed notation with at least one digit
 * after the point when the decimal exponent is in [-4, 16), otherwise as `d.ddde±XX`
 * with at least two exponent digits. Non-finite values are written as json.dumps does.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mantissa = "", exponentText = ""] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText); // value = d.ddd × 10^exponent
  const point = exponent + 1; // value = 0.dddd × 10^point
  if (point <= -4 || point > 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const e = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${m}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
