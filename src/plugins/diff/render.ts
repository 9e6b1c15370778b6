/**
 * The human form of a run diff, for `rmos diff`: a header with both run ids, the overall
 * severity and a count per severity, then one line per change, most severe first —
 * severity, JSON Pointer, the value in a and the value in b side by side. Values are shown as compact JSON;
 * one too long for its column (a G-code program, say) is cut to a preview followed by its
 * size and the first 12 hex digits of its SHA-256 (of the UTF-8 text for a string, which is
 * how `hashes.gcode_sha256` is computed; of the RFC 8785 canonical JSON otherwise), so two
 * long values can still be told apart or matched against the artifact's hashes; a hash
 * too long for its column is shown as its first 16 hex digits. Text that
 * comes from artifacts is shown with control and bidirectional-override characters escaped,
 * so a crafted value cannot drive the terminal. Colour (CRITICAL red, WARNING yellow, INFO
 * dim) is used only when asked for; see useColor for when the command asks.
 */
import { canonicalSha256, sha256Hex } from "../../contracts/hashing.js";
import type { Change } from "./diff_engine.js";
import type { RuleInForce } from "./rules_config.js";
import type { Severity } from "./severity.js";
import { compareSeverity, SEVERITIES } from "./severity.js";
import type { RunDiff } from "./service.js";

/** How to render. */
export interface RenderOptions {
  /** Use ANSI colours. */
  readonly color: boolean;
  /** The line width to fit (default 120). */
  readonly width?: number;
}

/** Whether the command should colour its output (NO_COLOR per https://no-color.org). */
export function useColor(options: {
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly noColorFlag: boolean;
}): boolean {
  if (options.noColorFlag) return false;
  const noColor = options.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  return options.isTTY;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SGR: Record<Severity, string> = { CRITICAL: "1;31", WARNING: "33", INFO: "2", NONE: "32" };
const ARROW = "→";

/** Escapes characters that could drive a terminal: C0/C1 controls, DEL, bidi overrides. */
export function sanitize(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The first `count` code points of `text` (never half a surrogate pair). */
function headOf(text: string, count: number): string {
  return [...text.slice(0, count * 2)].slice(0, count).join("");
}

function hashPrefix(value: unknown): string {
  if (typeof value === "string") return sha256Hex(value).slice(0, 12);
  try {
    return canonicalSha256(value).slice(0, 12);
  } catch {
    return sha256Hex(JSON.stringify(value)).slice(0, 12); // not canonicalizable: hash the plain JSON text
  }
}

function describeSize(value: unknown, text: string): string {
  if (typeof value === "string") {
    let lines = 1;
    for (let i = value.indexOf("\n"); i !== -1; i = value.indexOf("\n", i + 1)) lines++;
    if (value.endsWith("\n")) lines--;
    const chars = [...value].length;
    return lines > 1 ? `${lines} lines, ${chars} chars` : `${chars} chars`;
  }
  if (Array.isArray(value)) return `${value.length} items, ${text.length} B`;
  if (typeof value === "object" && value !== null) return `${Object.keys(value).length} members, ${text.length} B`;
  return `${text.length} chars`;
}

/**
 * One value as a cell of at most about `width` characters: its compact JSON when that fits,
 * else a preview, its size and its SHA-256 prefix, e.g.
 * `"G21\nG90\nM3 S…" (10000 lines, 234567 chars, sha256 1a2b3c4d5e6f)`.
 */
export function formatValue(value: unknown, width: number): string {
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= width) return sanitize(text);
  // A hash is its own fingerprint: its first 16 digits say more than a hash of it would.
  if (typeof value === "string" && SHA256_HEX.test(value)) return `"${value.slice(0, 16)}…"`;
  const meta = ` (${describeSize(value, text)}, sha256 ${hashPrefix(value)})`;
  const preview = headOf(text, Math.max(20, width - meta.length - 1));
  return `${sanitize(preview)}…${meta}`;
}

function paint(color: boolean, code: string, text: string): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function cells(change: Change, width: number): [string, string] {
  switch (change.op) {
    case "add":
      return ["(absent)", formatValue(change.after, width)];
    case "remove":
      return [formatValue(change.before, width), "(absent)"];
    case "replace":
      return [formatValue(change.before, width), formatValue(change.after, width)];
    case "move":
      return [`at ${sanitize(change.from ?? "?")}`, `at ${sanitize(change.path)} (moved)`];
  }
}

/** Pads `text` to `width` columns (by code points). */
function pad(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + " ".repeat(width - length);
}

/** The counts per severity, most severe first: "1 CRITICAL, 2 INFO". */
function counts(changes: readonly Change[]): string {
  const parts: string[] = [];
  for (const severity of [...SEVERITIES].reverse()) {
    const n = changes.filter((c) => c.severity === severity).length;
    if (n > 0) parts.push(`${n} ${severity}`);
  }
  return parts.join(", ");
}

/** The readable, side-by-side summary of a diff (ends with a newline). */
export function renderDiff(diff: RunDiff, options: RenderOptions): string {
  const { color } = options;
  const width = Math.max(60, options.width ?? 120);
  const out: string[] = [];
  const severity = paint(color, SGR[diff.severity], diff.severity);
  out.push(paint(color, "1", `diff ${diff.a} ${ARROW} ${diff.b}`));
  out.push(`  a: ${diff.a}`);
  out.push(`  b: ${diff.b}`);
  if (diff.changes.length === 0) {
    out.push(`  severity: ${severity}: no differences`);
    return `${out.join("\n")}\n`;
  }
  const n = diff.changes.length;
  out.push(`  severity: ${severity} (${n} change${n === 1 ? "" : "s"}: ${counts(diff.changes)})`);
  out.push("");
  // Most severe first; within a severity, the engine's order (by path).
  const changes = [...diff.changes].sort((x, y) => compareSeverity(y.severity, x.severity));
  const paths = changes.map((c) => sanitize(c.path));
  const pathWidth = Math.min(40, Math.max(4, ...paths.map((p) => [...p].length)));
  const valueWidth = Math.max(16, Math.floor((width - 10 - pathWidth - 2 - 3) / 2));
  out.push(paint(color, "1", `${pad("SEVERITY", 10)}${pad("PATH", pathWidth)}  ${pad("a", valueWidth)}   b`).trimEnd());
  changes.forEach((change, i) => {
    const [before, after] = cells(change, valueWidth);
    const label = paint(color, SGR[change.severity], pad(change.severity, 8));
    const path = pad(paths[i] as string, pathWidth);
    if ([...before].length <= valueWidth) {
      out.push(`${label}  ${path}  ${pad(before, valueWidth)} ${ARROW} ${after}`);
    } else {
      // Too wide for its column: b goes on the next line, still in b's column.
      out.push(`${label}  ${path}  ${before}`);
      out.push(`${" ".repeat(10 + [...path].length + 2 + valueWidth)} ${ARROW} ${after}`);
    }
  });
  return `${out.join("\n")}\n`;
}

/** The severity table in force, one rule a line, most severe first (ends with a newline). */
export function renderRules(rules: readonly RuleInForce[], options: RenderOptions): string {
  const sorted = [...rules].sort(
    (x, y) => compareSeverity(y.severity, x.severity) || (x.pointer < y.pointer ? -1 : x.pointer > y.pointer ? 1 : 0),
  );
  const pointerWidth = Math.max(7, ...sorted.map((r) => [...sanitize(r.pointer || '""')].length));
  const sourceWidth = Math.max(6, ...sorted.map((r) => [...sanitize(r.source)].length));
  const out = [
    paint(
      options.color,
      "1",
      `${pad("SEVERITY", 10)}${pad("POINTER", pointerWidth)}  ${pad("SOURCE", sourceWidth)}  WHY`,
    ),
  ];
  for (const rule of sorted) {
    const label = paint(options.color, SGR[rule.severity], pad(rule.severity, 8));
    out.push(
      `${label}  ${pad(sanitize(rule.pointer || '""'), pointerWidth)}  ${pad(sanitize(rule.source), sourceWidth)}  ${sanitize(rule.why)}`,
    );
  }
  if (!rules.some((r) => r.pointer === "")) out.push(`${pad("INFO", 10)}(any other path; equal values are NONE)`);
  return `${out.join("\n")}\n`;
}
