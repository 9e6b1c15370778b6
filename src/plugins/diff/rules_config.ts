/**
 * The severity table in force: the SPEC table (severity.ts) extended by the rules other
 * plugins registered (DIFF_SEVERITY) and, last, by the operator's configuration, the
 * environment variable RMOS_DIFF_SEVERITY_RULES — a JSON array of `{ pointer, severity,
 * why }`. A later layer replaces a rule of an earlier one with the same pointer, so an
 * installation can both add rules and re-rate the SPEC's. A malformed value stops the start
 * with a message that names the variable and the bad rule.
 */
import { z } from "@hono/zod-openapi";
import type { DiffSeverityRule } from "../../contracts/ports/diff_severity.js";
import { DIFF_RULE_SEVERITIES, diffRuleProblem } from "../../contracts/ports/diff_severity.js";
import type { SeverityRule } from "./severity.js";
import { DEFAULT_SEVERITY_RULES, withRules } from "./severity.js";

/** The environment variable holding the operator's extra rules. */
export const SEVERITY_RULES_VARIABLE = "RMOS_DIFF_SEVERITY_RULES";

const ConfiguredRuleSchema = z
  .object({
    pointer: z.string(),
    severity: z.enum(DIFF_RULE_SEVERITIES),
    why: z.string().min(1).default(`set by ${SEVERITY_RULES_VARIABLE}`),
  })
  .strict();

/** Parses the text of RMOS_DIFF_SEVERITY_RULES (absent or blank: no rules). */
const RulesText = z
  .string()
  .optional()
  .transform((text, ctx): DiffSeverityRule[] => {
    if (text === undefined || text.trim() === "") return [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `must be a JSON array of {"pointer","severity","why"} objects: ${(error as Error).message}`,
      });
      return z.NEVER;
    }
    const parsed = z.array(ConfiguredRuleSchema).safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issue.path.length > 0 ? `[${issue.path.join("].")}` : "(value)";
        ctx.addIssue({ code: "custom", message: `${where}: ${issue.message}` });
      }
      return z.NEVER;
    }
    const seen = new Set<string>();
    parsed.data.forEach((rule, i) => {
      const problem = diffRuleProblem(rule);
      if (problem) ctx.addIssue({ code: "custom", message: `[${i}]: ${problem}` });
      if (seen.has(rule.pointer))
        ctx.addIssue({ code: "custom", message: `[${i}]: "${rule.pointer}" is listed twice` });
      seen.add(rule.pointer);
    });
    return parsed.data;
  });

/** The diff plugin's configuration, for `ctx.readConfig`. */
export const DiffConfigSchema = z.object({ [SEVERITY_RULES_VARIABLE]: RulesText });

/** The validated configuration. */
export type DiffConfig = z.infer<typeof DiffConfigSchema>;

/** A rule of the table in force, with where it comes from. */
export interface RuleInForce extends SeverityRule {
  /** "spec" for the SPEC table, a plugin name, or "config" for RMOS_DIFF_SEVERITY_RULES. */
  readonly source: string;
}

/**
 * The table in force: DEFAULT_SEVERITY_RULES, then `registered` (from plugins, each with
 * its source), then `configured` (from the environment); each layer replaces same-pointer
 * rules of the ones before it.
 */
export function effectiveRules(
  registered: readonly (DiffSeverityRule & { readonly source: string })[],
  configured: readonly DiffSeverityRule[],
): readonly RuleInForce[] {
  const tag = (rules: readonly SeverityRule[], source: string): RuleInForce[] =>
    rules.map((rule) => Object.freeze({ pointer: rule.pointer, severity: rule.severity, why: rule.why, source }));
  const fromPlugins = registered.map((rule) => Object.freeze({ ...rule }));
  const table = withRules(withRules(tag(DEFAULT_SEVERITY_RULES, "spec"), fromPlugins), tag(configured, "config"));
  return table as readonly RuleInForce[];
}
