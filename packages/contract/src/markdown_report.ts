/**
 * The report an auditor files: a Markdown page naming the installation, the mode, the
 * time and the tool's version, then one table row per SPEC governance invariant — its
 * name and what is checked; PASS, FAIL or SKIPPED; and the evidence (run ids, status
 * codes, hashes; on a failure, what was expected and what was answered) — then the
 * other API rules the same way.
 */
import type { CheckResult } from "./check.js";
import { type ContractReport, tally } from "./runner.js";

/** `text` safe inside a Markdown table cell (one line, no column breaks, no HTML). */
export function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

const OUTCOME = { pass: "PASS", fail: "**FAIL**", skip: "SKIPPED" } as const;

function evidenceOf(r: CheckResult): string {
  const parts = r.message ? [r.outcome === "fail" ? `failed: ${r.message}` : r.message, ...r.evidence] : r.evidence;
  return parts.map(cell).join("<br>") || "—";
}

/** The invariant's or rule's name, and what is checked when the check says. */
function what(r: CheckResult): string {
  return r.check.statement ? `${cell(r.check.title)} — ${cell(r.check.statement)}` : cell(r.check.title);
}

/** The report as Markdown. */
export function markdownReport(report: ContractReport): string {
  const t = tally(report);
  const verdict = t.fail > 0 ? `FAIL — ${t.fail} check(s) failed` : "PASS — no check failed";
  const invariants = report.results.filter((r) => r.check.invariant !== undefined);
  const rules = report.results.filter((r) => r.check.invariant === undefined);
  const lines = [
    "# RMOS governance contract — report",
    "",
    `- Installation: ${cell(report.target)}`,
    `- Mode: ${report.readOnly ? "read-only (nothing created; refusals of PUT/PATCH/DELETE tried)" : "full (creates test runs)"}`,
    `- Started: ${report.startedAt.toISOString()}; finished: ${report.finishedAt.toISOString()}`,
    `- Tool: @rmos/contract ${cell(report.version)}`,
    `- Result: **${verdict}** (${t.pass} passed, ${t.fail} failed, ${t.skip} skipped)`,
    "",
    "## Governance invariants",
    "",
    "| # | invariant | result | evidence |",
    "|---|---|---|---|",
    ...invariants.map((r) => `| ${r.check.invariant} | ${what(r)} | ${OUTCOME[r.outcome]} | ${evidenceOf(r)} |`),
    "",
    "## Other API rules",
    "",
    "| rule | result | evidence |",
    "|---|---|---|",
    ...rules.map((r) => `| ${what(r)} | ${OUTCOME[r.outcome]} | ${evidenceOf(r)} |`),
    "",
  ];
  return lines.join("\n");
}
