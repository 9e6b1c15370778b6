/**
 * The diff severity extension point. The diff plugin rates every change between two runs
 * with a table of rules (a JSON Pointer prefix, a severity, a reason); the SPEC's table is
 * its default. Another plugin that adds fields to artifacts, or knows that some field is
 * safety-relevant, adds its own rules here: the diff plugin provides a
 * {@link DiffSeverityRegistry} under {@link DIFF_SEVERITY}, so a plugin that consumes
 * DIFF_SEVERITY (or `optional(DIFF_SEVERITY)`) calls `.add(...)` in its own `init`. A rule
 * added here replaces a default rule with the same pointer; the operator's configuration
 * (`RMOS_DIFF_SEVERITY_RULES`) is applied last and wins over both.
 */
import { isValidPointer } from "../json_pointer.js";
import { token } from "../token.js";

/** The severities a rule may assign (NONE is reserved for "no difference"). */
export const DIFF_RULE_SEVERITIES = ["INFO", "WARNING", "CRITICAL"] as const;

/** A severity a rule may assign. */
export type DiffRuleSeverity = (typeof DIFF_RULE_SEVERITIES)[number];

/** One rule of the severity table. */
export interface DiffSeverityRule {
  /** RFC 6901 JSON Pointer prefix: the rule covers this member and everything below it. */
  readonly pointer: string;
  readonly severity: DiffRuleSeverity;
  /** Why a change here matters this much (shown in docs and reports). */
  readonly why: string;
}

/** A rule as registered, with the name of whoever added it. */
export interface RegisteredDiffSeverityRule extends DiffSeverityRule {
  readonly source: string;
}

/** Why a rule is not acceptable, or undefined when it is. */
export function diffRuleProblem(rule: DiffSeverityRule): string | undefined {
  if (typeof rule.pointer !== "string" || !isValidPointer(rule.pointer)) {
    return `pointer ${JSON.stringify(rule.pointer)} is not an RFC 6901 JSON Pointer (empty, or "/"-separated tokens with ~0 and ~1 escapes)`;
  }
  if (!(DIFF_RULE_SEVERITIES as readonly unknown[]).includes(rule.severity)) {
    return `severity ${JSON.stringify(rule.severity)} of "${rule.pointer}" must be one of ${DIFF_RULE_SEVERITIES.join(", ")}`;
  }
  if (typeof rule.why !== "string" || rule.why.trim() === "") {
    return `rule "${rule.pointer}" needs a non-empty "why"`;
  }
  return undefined;
}

/** Where plugins add severity rules for the run diff, in registration order. */
export class DiffSeverityRegistry {
  readonly #rules: RegisteredDiffSeverityRule[] = [];

  /**
   * Adds rules on behalf of `source` (a plugin name, for messages). Throws a TypeError naming
   * the source for a malformed rule, or for a pointer another source already rated (two
   * plugins must not silently fight over one field); nothing is added when any rule is bad.
   */
  add(source: string, rules: readonly DiffSeverityRule[]): void {
    const pending: RegisteredDiffSeverityRule[] = [];
    for (const rule of rules) {
      const problem = diffRuleProblem(rule);
      if (problem) throw new TypeError(`diff severity rule from "${source}": ${problem}`);
      const owner = [...this.#rules, ...pending].find((r) => r.pointer === rule.pointer);
      if (owner) {
        throw new TypeError(
          `diff severity rule from "${source}": "${rule.pointer}" is already rated by "${owner.source}"`,
        );
      }
      pending.push(Object.freeze({ pointer: rule.pointer, severity: rule.severity, why: rule.why, source }));
    }
    this.#rules.push(...pending);
  }

  /** The registered rules, in order. */
  list(): readonly RegisteredDiffSeverityRule[] {
    return [...this.#rules];
  }
}

export const DIFF_SEVERITY = token<DiffSeverityRegistry>("DiffSeverityRegistry");
