/**
 * The severity table is kept in one place in code (DEFAULT_SEVERITY_RULES) and shown in
 * docs/plugins/diff.md; this test fails when the two disagree, rule by rule, so the
 * documentation an auditor reads is the table the service applies.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DEFAULT_SEVERITY_RULES } from "../../src/plugins/diff/severity.js";
import { REPO_ROOT } from "../../src/testing/paths.js";

test("docs/plugins/diff.md shows exactly the severity table of the code", () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, "docs", "plugins", "diff.md"), "utf8");
  const section = text.split("### Severity table")[1]?.split("\n## ")[0]?.split("\n### ")[0];
  assert.ok(section, "the page has a ### Severity table section");
  const rows = [...section.matchAll(/^\| `([^`]*)` \| (INFO|WARNING|CRITICAL) \| (.+?) \|$/gm)].map((m) => ({
    pointer: m[1],
    severity: m[2],
    why: m[3],
  }));
  assert.deepEqual(
    rows,
    DEFAULT_SEVERITY_RULES.map(({ pointer, severity, why }) => ({ pointer, severity, why })),
  );
});
