/** JUnit XML: counts, one testcase per check, failure and skip elements, and escaping of hostile text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { junitXml, xmlEscape } from "./junit.js";
import { SAMPLE_REPORT } from "./report_fixture_test.js";

test("counts, testcases, failure and skipped elements, properties", () => {
  const xml = junitXml(SAMPLE_REPORT);
  assert.match(
    xml,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="rmos-contract" tests="3" failures="1" skipped="1" errors="0" time="1.500">/,
  );
  assert.equal(xml.match(/<testcase /g)?.length, 3);
  assert.match(
    xml,
    /<testcase classname="rmos.contract.invariant" name="invariant 3 — title &lt;b&gt;" time="0.003">\n {6}<failure message="DELETE &quot;x&quot; → 204 \| &lt;b&gt;" type="ContractViolation"\/>/,
  );
  assert.match(
    xml,
    /<testcase classname="rmos.contract.rule" name="title &lt;c&gt;"[^>]*>\n {6}<skipped message="read-only"\/>/,
  );
  assert.match(xml, /<property name="base_url" value="http:\/\/h:1\/\?a=1&amp;b=2"\/>/);
  assert.match(xml, /<property name="mode" value="read-only"\/>/);
  assert.match(xml, /<system-out>run_1 → 201<\/system-out>/);
});

test("xmlEscape escapes markup and replaces characters XML cannot carry", () => {
  assert.equal(xmlEscape(`<a b="c" d='e'>&</a>`), "&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&lt;/a&gt;");
  assert.equal(
    xmlEscape("nul\u0000 esc\u001b bell\u0007 \uFFFE ok\t\n"),
    "nul\uFFFD esc\uFFFD bell\uFFFD \uFFFD ok\t\n",
  );
  assert.equal(xmlEscape("lone \uD800 surrogate, pair 😀"), "lone \uFFFD surrogate, pair 😀");
});
