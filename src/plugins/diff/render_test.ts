/**
 * Tests of the human rendering of a diff (what `rmos diff` prints): when colour is used,
 * the header and one line per change with before and after side by side, colours per
 * severity, long values cut with their length and SHA-256 prefix, and escaping of
 * terminal control characters that come from artifact content.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { diffArtifacts } from "./diff_engine.js";
import { formatValue, renderDiff, renderRules, sanitize, useColor } from "./render.js";
import { effectiveRules } from "./rules_config.js";
import type { RunDiff } from "./service.js";

const ESC = "\u001b";
const A = "run_01J0000000000000000000000A";
const B = "run_01J0000000000000000000000B";

function artifact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: "2.0.0",
    status: "OK",
    tool_id: "endmill-6mm",
    decision: { risk_level: "GREEN", warnings: [], details: {} },
    outputs: { gcode_text: "G0 X0\n" },
    attachments: [],
    meta: { operator: "ana" },
    ...overrides,
  };
}

function diffOf(a: unknown, b: unknown): RunDiff {
  return { a: A, b: B, ...diffArtifacts(a, b) };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("useColor", () => {
  test("colours only a terminal, never with NO_COLOR set, never with --no-color", () => {
    assert.equal(useColor({ isTTY: true, env: {}, noColorFlag: false }), true);
    assert.equal(useColor({ isTTY: false, env: {}, noColorFlag: false }), false);
    assert.equal(useColor({ isTTY: true, env: { NO_COLOR: "1" }, noColorFlag: false }), false);
    assert.equal(useColor({ isTTY: true, env: { NO_COLOR: "" }, noColorFlag: false }), true, "empty NO_COLOR is unset");
    assert.equal(useColor({ isTTY: true, env: {}, noColorFlag: true }), false);
  });
});

describe("formatValue", () => {
  test("a short value is its compact JSON", () => {
    assert.equal(formatValue("OK", 40), '"OK"');
    assert.equal(formatValue({ a: [1, null] }, 40), '{"a":[1,null]}');
    assert.equal(formatValue(0.5, 40), "0.5");
  });

  test("a long text is cut, with its line count, length and the sha256 prefix of its UTF-8 bytes", () => {
    const gcode = `${Array.from({ length: 10_000 }, (_, i) => `G1 X${i} Y${i % 7}`).join("\n")}\n`;
    const cell = formatValue(gcode, 50);
    assert.match(cell, /^"G1 X0 Y0\\nG1 X1/);
    assert.ok(cell.includes(`10000 lines, ${gcode.length} chars`), cell);
    assert.ok(cell.includes(`sha256 ${sha256(gcode).slice(0, 12)}`), cell);
    assert.ok(cell.length < 120, "the cell stays short");
    assert.ok(!cell.includes("\n"), "one line");
  });

  test("a long object is cut with its size and the sha256 of its canonical JSON", () => {
    const value = { z: "x".repeat(100), a: 1 };
    const cell = formatValue(value, 40);
    assert.ok(cell.includes(`sha256 ${sha256(`{"a":1,"z":"${"x".repeat(100)}"}`).slice(0, 12)}`), cell);
    assert.ok(cell.includes("2 members"), cell);
  });

  test("a hash too long for its column shows its first 16 hex digits", () => {
    const hash = sha256("G21\n");
    assert.equal(formatValue(hash, 40), `"${hash.slice(0, 16)}…"`);
    assert.equal(formatValue(hash, 80), `"${hash}"`);
  });

  test("control characters and bidi overrides from artifact content are escaped", () => {
    assert.equal(sanitize("a\u001b[31mb\u009bc\u202ed"), "a\\u001b[31mb\\u009bc\\u202ed");
    assert.ok(!formatValue("\u009b2J\u202e", 40).includes("\u009b"));
    assert.ok(!formatValue("\u009b2J\u202e", 40).includes("\u202e"));
  });
});

describe("renderDiff", () => {
  test("a header with both ids and the overall severity, then one line per change side by side", () => {
    const a = artifact();
    const b = artifact({
      status: "BLOCKED",
      decision: { risk_level: "RED", block_reason: "too deep", warnings: [], details: {} },
      tool_id: "drill-3mm",
      meta: { operator: "bo" },
    });
    const text = renderDiff(diffOf(a, b), { color: false });
    const lines = text.trimEnd().split("\n");
    assert.equal(lines[0], `diff ${A} → ${B}`);
    assert.ok(lines.some((l) => l.includes(`a: ${A}`)));
    assert.ok(lines.some((l) => l.includes(`b: ${B}`)));
    assert.ok(
      lines.some((l) => /severity: CRITICAL \(5 changes: 3 CRITICAL, 1 WARNING, 1 INFO\)/.test(l)),
      text,
    );
    const status = lines.find((l) => l.includes("/status"));
    assert.match(status ?? "", /^CRITICAL\s+\/status\s+"OK"\s+→ "BLOCKED"$/);
    assert.match(lines.find((l) => l.includes("/decision/block_reason")) ?? "", /CRITICAL.*\(absent\)\s+→ "too deep"/);
    assert.match(
      lines.find((l) => l.includes("/tool_id")) ?? "",
      /^WARNING\s+\/tool_id\s+"endmill-6mm"\s+→ "drill-3mm"$/,
    );
    assert.match(lines.find((l) => l.includes("/meta/operator")) ?? "", /^INFO\s+/);
    // The arrows line up: b is one column.
    const arrows = lines.filter((l) => l.includes(" → ") && !l.startsWith("diff")).map((l) => l.indexOf(" → "));
    assert.equal(new Set(arrows).size, 1, text);
    assert.ok(!text.includes(ESC), "no colour when not asked");
  });

  test("colours: CRITICAL red, WARNING yellow, INFO dim", () => {
    const text = renderDiff(diffOf(artifact(), artifact({ status: "ERROR", tool_id: "t2", meta: {} })), {
      color: true,
    });
    assert.ok(text.includes(`${ESC}[1;31mCRITICAL${ESC}[0m`), text);
    assert.ok(text.includes(`${ESC}[33mWARNING ${ESC}[0m`), text);
    assert.ok(text.includes(`${ESC}[2mINFO    ${ESC}[0m`), text);
  });

  test("equal runs say NONE and no differences", () => {
    const text = renderDiff(diffOf(artifact(), artifact()), { color: false });
    assert.match(text, /severity: NONE: no differences/);
  });

  test("moves show where the element was and where it is", () => {
    const att = (n: number) => ({
      sha256: String(n).repeat(64),
      kind: "k",
      mime: "a/b",
      filename: `${n}`,
      size_bytes: 1,
    });
    const text = renderDiff(
      diffOf(artifact({ attachments: [att(1), att(2)] }), artifact({ attachments: [att(2), att(1)] })),
      { color: false },
    );
    assert.match(text, /INFO\s+\/attachments\/0\s+at \/attachments\/1\s+→ at \/attachments\/0 \(moved\)/);
  });

  test("a value too wide for its column pushes b to the next line, in b's column", () => {
    const gcode = (n: number) => Array.from({ length: 10_000 }, (_, i) => `G1 X${i === 5000 ? n : i}`).join("\n");
    const text = renderDiff(
      diffOf(artifact({ outputs: { gcode_text: gcode(1) } }), artifact({ outputs: { gcode_text: gcode(2) } })),
      { color: false, width: 100 },
    );
    const lines = text.trimEnd().split("\n");
    const at = lines.findIndex((l) => l.includes("/outputs/gcode_text"));
    assert.ok(at > 0, text);
    assert.match(
      lines[at] ?? "",
      /^WARNING\s+\/outputs\/gcode_text\s+"G1 X0\\nG1 X1.*10000 lines.*sha256 [0-9a-f]{12}\)$/,
    );
    assert.match(lines[at + 1] ?? "", /^\s+→ "G1 X0.*10000 lines.*sha256 [0-9a-f]{12}\)$/);
    assert.ok(!(lines[at] ?? "").includes("→"));
  });

  test("paths with control characters are escaped", () => {
    const text = renderDiff(diffOf({ meta: {} }, { meta: { "\u001b[2J": 1 } }), { color: false });
    assert.ok(!text.includes(ESC));
    assert.ok(text.includes("/meta/\\u001b[2J"));
  });
});

describe("renderRules", () => {
  test("lists the table in force, most severe first, with sources and the INFO fallback", () => {
    const rules = effectiveRules(
      [{ pointer: "/meta/operator", severity: "WARNING", why: "who ran it", source: "audit" }],
      [{ pointer: "/mode", severity: "CRITICAL", why: "site policy" }],
    );
    const lines = renderRules(rules, { color: false }).trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^SEVERITY\s+POINTER\s+SOURCE\s+WHY$/);
    assert.match(lines[1] ?? "", /^CRITICAL\s+\/decision\/block_reason\s+spec\s+/);
    assert.ok(lines.some((l) => /^CRITICAL\s+\/mode\s+config\s+site policy$/.test(l)));
    assert.ok(lines.some((l) => /^WARNING\s+\/meta\/operator\s+audit\s+who ran it$/.test(l)));
    assert.match(lines.at(-1) ?? "", /^INFO\s+\(any other path; equal values are NONE\)$/);
    assert.equal(lines.length, 1 + rules.length + 1);
  });
});
