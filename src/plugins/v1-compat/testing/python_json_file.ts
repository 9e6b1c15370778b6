/**
 * The text Python's `json.dump(value, f, indent=2, ensure_ascii=False)` writes — the
 * layout of a v1 `runs.json` — for a v1 value (keys in insertion order, numbers as
 * their {@link RawNumber} text). With an indent, Python puts every member and element
 * on its own line, separates a key from its value with `": "` and items with `","`,
 * writes an empty object or array as `{}` / `[]`, escapes strings as `json.dumps` with
 * `ensure_ascii=False` does (shared with the hashing emulation) and ends the file
 * without a newline. Used by the v1 store generator so that its files have the exact
 * shape of files v1 wrote (the reader's offsets and the kept original bytes depend on it).
 */

import { pythonJsonString } from "../python_json.js";
import { RawNumber, type V1Object, type V1Value } from "../v1_value.js";

/**
 * `value` as Python's `json.dumps(value, indent=indent, ensure_ascii=False)` writes it,
 * as if nested `level` levels deep (the lines after the first are indented for that depth).
 */
export function pythonJsonIndented(value: V1Value, indent = 2, level = 0): string {
  const parts: string[] = [];
  const write = (v: V1Value, depth: number): void => {
    if (v === null) parts.push("null");
    else if (v === true) parts.push("true");
    else if (v === false) parts.push("false");
    else if (typeof v === "string") parts.push(pythonJsonString(v));
    else if (v instanceof RawNumber) parts.push(v.text);
    else if (Array.isArray(v)) {
      if (v.length === 0) {
        parts.push("[]");
        return;
      }
      const inner = `\n${" ".repeat(indent * (depth + 1))}`;
      parts.push("[");
      v.forEach((item: V1Value, i: number) => {
        parts.push(i === 0 ? inner : `,${inner}`);
        write(item, depth + 1);
      });
      parts.push(`\n${" ".repeat(indent * depth)}]`);
    } else {
      const map = v as V1Object;
      if (map.size === 0) {
        parts.push("{}");
        return;
      }
      const inner = `\n${" ".repeat(indent * (depth + 1))}`;
      parts.push("{");
      let first = true;
      for (const [key, item] of map) {
        parts.push(first ? inner : `,${inner}`, pythonJsonString(key), ": ");
        first = false;
        write(item, depth + 1);
      }
      parts.push(`\n${" ".repeat(indent * depth)}}`);
    }
  };
  write(value, level);
  return parts.join("");
}
