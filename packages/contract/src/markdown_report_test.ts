/** The auditor's report: one row per invariant, the verdict, and cells that cannot break the table or inject HTML. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SAMPLE_REPORT } from "./report_fixture_test.js";
import { cell, markdownReport } from "./markdown_report.js";

test("a row per invariant with result and evidence; other rules apart; the verdict counts", () => {
  const md = markdownReport(SAMPLE_REPORT);
  assert.match(md, /^# RMOS governance contract — report$/m);
  assert.match(md, /- Mode: read-only/);
  assert.match(md, /- Result: \*\*FAIL — 1 check\(s\) failed\*\* \(1 passed, 1 failed, 1 skipped\)/);
  assert.match(md, /^\| 1 \| title &lt;a&gt; \| PASS \| run_1 → 201 \|$/m);
  assert.match(md, /^\| 3 \| title &lt;b&gt; \| \*\*FAIL\*\* \| failed: DELETE "x" → 204 \\\| &lt;b&gt; \|$/m);
  assert.match(md, /^\| title &lt;c&gt; \| SKIPPED \| read-only<br>line next \|$/m);
  const pass = markdownReport({ ...SAMPLE_REPORT, readOnly: false, results: SAMPLE_REPORT.results.slice(0, 1) });
  assert.match(pass, /Result: \*\*PASS — no check failed\*\*/);
  assert.match(pass, /Mode: full/);
});

test("cell keeps a value on one line, inside its column, without markup", () => {
  assert.equal(cell("a|b\r\nc<script>&"), "a\\|b c&lt;script&gt;&amp;");
});
