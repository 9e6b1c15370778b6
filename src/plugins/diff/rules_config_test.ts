/**
 * Tests of the diff plugin's configuration (RMOS_DIFF_SEVERITY_RULES) and of the layering of
 * the table in force: SPEC rules, then plugins' rules, then the configuration's, each layer
 * replacing same-pointer rules of the one before.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diffArtifacts } from "./diff_engine.js";
import { DiffConfigSchema, effectiveRules, SEVERITY_RULES_VARIABLE } from "./rules_config.js";
import { DEFAULT_SEVERITY_RULES, severityOf } from "./severity.js";

function parse(text: string | undefined) {
  return DiffConfigSchema.safeParse(text === undefined ? {} : { [SEVERITY_RULES_VARIABLE]: text });
}

function messages(text: string): string {
  const result = parse(text);
  assert.equal(result.success, false, `${text} should be refused`);
  return result.error?.issues.map((i) => i.message).join("\n") ?? "";
}

describe("RMOS_DIFF_SEVERITY_RULES", () => {
  test("absent or blank means no extra rules", () => {
    assert.deepEqual(parse(undefined).data, { [SEVERITY_RULES_VARIABLE]: [] });
    assert.deepEqual(parse("  ").data, { [SEVERITY_RULES_VARIABLE]: [] });
  });

  test("a JSON array of {pointer, severity, why}; why defaults to naming the variable", () => {
    const result = parse(
      '[{"pointer":"/mode","severity":"WARNING","why":"site policy"},{"pointer":"/meta/lot","severity":"CRITICAL"}]',
    );
    assert.deepEqual(result.data?.[SEVERITY_RULES_VARIABLE], [
      { pointer: "/mode", severity: "WARNING", why: "site policy" },
      { pointer: "/meta/lot", severity: "CRITICAL", why: "set by RMOS_DIFF_SEVERITY_RULES" },
    ]);
  });

  test("malformed values are refused with a message that says what is wrong", () => {
    assert.match(messages("{not json"), /must be a JSON array/);
    assert.match(messages('{"pointer":"/a","severity":"INFO"}'), /expected array/);
    assert.match(messages('[{"pointer":"/a","severity":"SEVERE"}]'), /\[0\.severity\]|\[0\]\.severity/);
    assert.match(messages('[{"pointer":"a","severity":"INFO"}]'), /\[0\]: pointer "a" is not an RFC 6901 JSON Pointer/);
    assert.match(messages('[{"pointer":"/a~2","severity":"INFO"}]'), /not an RFC 6901/);
    assert.match(messages('[{"pointer":"/a","severity":"NONE"}]'), /severity/);
    assert.match(messages('[{"pointer":"/a","severity":"INFO","extra":1}]'), /extra/);
    assert.match(
      messages('[{"pointer":"/a","severity":"INFO"},{"pointer":"/a","severity":"WARNING"}]'),
      /\[1\]: "\/a" is listed twice/,
    );
  });
});

describe("effectiveRules", () => {
  test("with nothing added it is the SPEC table, every rule tagged spec", () => {
    const rules = effectiveRules([], []);
    assert.deepEqual(
      rules.map(({ pointer, severity, why }) => ({ pointer, severity, why })),
      DEFAULT_SEVERITY_RULES.map(({ pointer, severity, why }) => ({ pointer, severity, why })),
    );
    assert.ok(rules.every((r) => r.source === "spec"));
  });

  test("plugins add and re-rate; the configuration is applied last and wins", () => {
    const rules = effectiveRules(
      [
        { pointer: "/meta/operator", severity: "WARNING", why: "who ran it", source: "audit" },
        { pointer: "/tool_id", severity: "CRITICAL", why: "tool matters here", source: "audit" },
        { pointer: "/mode", severity: "WARNING", why: "plugin view", source: "audit" },
      ],
      [{ pointer: "/mode", severity: "CRITICAL", why: "site policy" }],
    );
    assert.equal(severityOf("/meta/operator", rules), "WARNING");
    assert.equal(severityOf("/tool_id", rules), "CRITICAL");
    assert.equal(severityOf("/mode", rules), "CRITICAL");
    assert.equal(rules.find((r) => r.pointer === "/mode")?.source, "config");
    assert.equal(rules.find((r) => r.pointer === "/tool_id")?.source, "audit");
    assert.equal(severityOf("/status", rules), "CRITICAL", "untouched SPEC rules stay");
    assert.equal(severityOf("/meta/other", rules), "INFO");
    const result = diffArtifacts({ mode: "a", meta: {} }, { mode: "b", meta: {} }, { rules });
    assert.equal(result.severity, "CRITICAL");
  });

  test("a rule for the empty pointer changes the default for uncovered paths", () => {
    const rules = effectiveRules([], [{ pointer: "", severity: "WARNING", why: "be strict" }]);
    assert.equal(severityOf("/meta/x", rules), "WARNING");
    assert.equal(severityOf("/status", rules), "CRITICAL");
  });
});
