/**
 * The JUnit XML form of a contract report, for CI systems (one `<testcase>` per check,
 * `<failure>` or `<skipped>` with the message, the evidence in `<system-out>`).
 * Everything written is escaped, and characters XML 1.0 cannot carry are replaced.
 */
import { checkLabel } from "./check.js";
import { type ContractReport, tally } from "./runner.js";

/** `text` safe inside XML text and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The report as a JUnit XML document. */
export function junitXml(report: ContractReport): string {
  const t = tally(report);
  const total = report.results.length;
  const time = seconds(report.finishedAt.getTime() - report.startedAt.getTime());
  const name = `RMOS governance contract (${report.target})`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rmos-contract" tests="${total}" failures="${t.fail}" skipped="${t.skip}" errors="0" time="${time}">`,
    `  <testsuite name="${xmlEscape(name)}" tests="${total}" failures="${t.fail}" skipped="${t.skip}" errors="0" time="${time}" timestamp="${report.startedAt.toISOString()}">`,
    "    <properties>",
    `      <property name="base_url" value="${xmlEscape(report.target)}"/>`,
    `      <property name="mode" value="${report.readOnly ? "read-only" : "full"}"/>`,
    `      <property name="rmos_contract_version" value="${xmlEscape(report.version)}"/>`,
    "    </properties>",
  ];
  for (const r of report.results) {
    const classname = r.check.invariant === undefined ? "rmos.contract.rule" : "rmos.contract.invariant";
    lines.push(
      `    <testcase classname="${classname}" name="${xmlEscape(checkLabel(r.check))}" time="${seconds(r.durationMs)}">`,
    );
    if (r.outcome === "fail") {
      lines.push(`      <failure message="${xmlEscape(r.message ?? "failed")}" type="ContractViolation"/>`);
    } else if (r.outcome === "skip") {
      lines.push(`      <skipped message="${xmlEscape(r.message ?? "skipped")}"/>`);
    }
    if (r.evidence.length > 0) lines.push(`      <system-out>${xmlEscape(r.evidence.join("\n"))}</system-out>`);
    lines.push("    </testcase>");
  }
  lines.push("  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}
