/**
 * The default explanation provider: deterministic and offline.
 *
 * It turns a run's decision (risk level, score, status, block reason, warnings) and its
 * feasibility evaluation (the checks, when the evaluation lists them as
 * `checks: [{ name, ok, ... }]` or `checks: { name: { ok } | boolean }`, and the scalar
 * inputs such as material or depth) into a readable explanation. The same run always
 * gives the same text, so its content hash is stable. Long lists are cut at a bound so
 * that a hostile artifact cannot make the explanation unbounded.
 */
import type {
  ExplanationDraft,
  ExplanationInput,
  ExplanationProvider,
} from "../../contracts/ports/advisory_explanation_provider.js";

/** The id of the rules explainer, as it appears in assets (`provider`) and links (`engine_id`). */
export const RULES_EXPLAINER_ID = "rmos.rules-explainer@1";

const MAX_LISTED = 50;
const MAX_VALUE_CHARS = 120;

const MEANING: Record<string, string> = {
  GREEN: "cleared: the evaluation found no feasibility concern",
  YELLOW: "cleared with caution: read the warnings before running the job",
  RED: "not safe to run as requested",
  UNKNOWN: "not assessed: the risk could not be determined",
  ERROR: "not assessed: the evaluation failed",
};

interface Check {
  readonly name: string;
  readonly ok: boolean | null;
  readonly detail: string | null;
}

function show(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean" || value === null) text = String(value);
  else text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function okOf(entry: Record<string, unknown>): boolean | null {
  for (const key of ["ok", "passed", "pass"]) {
    if (typeof entry[key] === "boolean") return entry[key] as boolean;
  }
  const status = entry.status ?? entry.result;
  if (typeof status === "string") {
    if (/^(ok|pass(ed)?|green)$/i.test(status)) return true;
    if (/^(fail(ed)?|error|red|blocked)$/i.test(status)) return false;
  }
  return null;
}

function detailOf(entry: Record<string, unknown>): string | null {
  const parts: string[] = [];
  for (const key of ["value", "limit", "message", "reason", "detail"]) {
    if (entry[key] !== undefined) parts.push(`${key} ${show(entry[key])}`);
  }
  return parts.length > 0 ? parts.join(", ") : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The checks a feasibility evaluation lists, in its order (arrays) or by name (objects). */
export function feasibilityChecks(feasibility: Readonly<Record<string, unknown>>): Check[] {
  const raw = feasibility.checks;
  if (Array.isArray(raw)) {
    return raw.map((entry, i) =>
      isRecord(entry)
        ? {
            name: typeof entry.name === "string" ? entry.name : `check ${i + 1}`,
            ok: okOf(entry),
            detail: detailOf(entry),
          }
        : { name: `check ${i + 1}`, ok: typeof entry === "boolean" ? entry : null, detail: null },
    );
  }
  if (isRecord(raw)) {
    return Object.keys(raw)
      .sort()
      .map((name) => {
        const entry = raw[name];
        if (typeof entry === "boolean") return { name, ok: entry, detail: null };
        return isRecord(entry)
          ? { name, ok: okOf(entry), detail: detailOf(entry) }
          : { name, ok: null, detail: show(entry) };
      });
  }
  return [];
}

function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LISTED).map(line);
  if (items.length > MAX_LISTED) lines.push(`- … and ${items.length - MAX_LISTED} more`);
  return lines;
}

/** Writes the explanation of one run (pure; the provider below wraps it). */
export function explainRun(input: ExplanationInput): ExplanationDraft {
  const checks = feasibilityChecks(input.feasibility);
  const failed = checks.filter((c) => c.ok === false);
  const passed = checks.filter((c) => c.ok === true);
  const unclear = checks.length - failed.length - passed.length;
  const meaning = MEANING[input.risk_level] ?? "of an unrecognised risk level";
  const what = [input.mode, input.tool_id ? `tool ${input.tool_id}` : null].filter(Boolean).join(", ");

  let checkLine: string;
  if (checks.length === 0) checkLine = "the feasibility evaluation lists no structured checks";
  else if (failed.length === 0 && unclear === 0) checkLine = `all ${checks.length} feasibility check(s) passed`;
  else
    checkLine = `${failed.length} of ${checks.length} feasibility check(s) failed${unclear > 0 ? `, ${unclear} without a clear result` : ""}`;
  const summary = `${input.risk_level}: run ${input.run_id}${what ? ` (${what})` : ""} is ${meaning}; ${checkLine}.`;

  const decision = [
    `Decision: risk level ${input.risk_level} — ${meaning}.`,
    input.score !== null ? `Score: ${input.score}.` : null,
    input.status ? `Run status: ${input.status}.` : null,
    input.block_reason ? `Blocked because: ${input.block_reason}.` : null,
  ].filter((line): line is string => line !== null);

  const checkSection =
    checks.length === 0
      ? ["Feasibility checks: none listed."]
      : [
          `Feasibility checks (${passed.length} passed, ${failed.length} failed, ${unclear} unclear):`,
          ...listed(checks, (c) => {
            const verdict = c.ok === true ? "passed" : c.ok === false ? "FAILED" : "no clear result";
            return `- ${c.name}: ${verdict}${c.detail ? ` (${c.detail})` : ""}`;
          }),
        ];

  const warningSection =
    input.warnings.length === 0
      ? ["Warnings: none."]
      : [`Warnings (${input.warnings.length}):`, ...listed(input.warnings, (w) => `- ${w}`)];

  const scalars = Object.keys(input.feasibility)
    .sort()
    .filter((k) => k !== "checks")
    .filter((k) => {
      const v = input.feasibility[k];
      return v === null || ["string", "number", "boolean"].includes(typeof v);
    });
  const inputSection =
    scalars.length === 0
      ? []
      : ["Evaluated with:", ...listed(scalars, (k) => `- ${k} = ${show(input.feasibility[k])}`)];

  const text = [
    decision.join(" "),
    checkSection.join("\n"),
    warningSection.join("\n"),
    ...(inputSection.length > 0 ? [inputSection.join("\n")] : []),
    `This explanation was written by rules from the stored artifact (feasibility_sha256 ${input.feasibility_sha256}); it is advisory and does not change the run.`,
  ].join("\n\n");

  const highlights = [
    `risk level ${input.risk_level}`,
    ...(input.block_reason ? [`blocked: ${input.block_reason}`] : []),
    ...failed.slice(0, MAX_LISTED).map((c) => `failed check: ${c.name}`),
    ...input.warnings.slice(0, MAX_LISTED).map((w) => `warning: ${w}`),
  ];
  return { summary, text, highlights };
}

/** The default provider: {@link explainRun}, offline, no I/O. */
export const rulesExplainer: ExplanationProvider = {
  id: RULES_EXPLAINER_ID,
  async explain(input) {
    return explainRun(input);
  },
};
