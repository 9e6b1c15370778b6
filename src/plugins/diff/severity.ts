/**
 * The severity table of the run diff, kept as data in this one place. A rule names a JSON
 * Pointer prefix (it covers the member itself and everything below it) and the severity of
 * a change there, with a short reason for humans. The most specific (longest) matching
 * prefix wins; a path no rule covers is INFO; equal values are NONE (decided by the diff
 * engine, which reports no change at all). The SPEC table is DEFAULT_SEVERITY_RULES;
 * withRules() derives an extended or overridden table for a plugin or a configuration, and
 * a rule with the empty pointer "" changes the default for uncovered paths.
 */

import { isAtOrBelow, isValidPointer } from "../../contracts/json_pointer.js";

/** All severities, from least to most severe. */
export const SEVERITIES = ["NONE", "INFO", "WARNING", "CRITICAL"] as const;

/** How much a difference between two runs matters. */
export type Severity = (typeof SEVERITIES)[number];

/** One entry of the severity table. */
export interface SeverityRule {
  /** JSON Pointer prefix: the rule covers this path and everything below it. */
  readonly pointer: string;
  readonly severity: Severity;
  /** Why a change here has this severity (for documentation and UIs). */
  readonly why: string;
}

/** The SPEC's severity table ("diff" section). Paths not covered here are INFO. */
export const DEFAULT_SEVERITY_RULES: readonly SeverityRule[] = Object.freeze([
  {
    pointer: "/status",
    severity: "CRITICAL",
    why: "the outcome of the run (OK, BLOCKED, ERROR) changed",
  },
  {
    pointer: "/decision/risk_level",
    severity: "CRITICAL",
    why: "the safety verdict (GREEN, YELLOW, RED, ...) changed",
  },
  {
    pointer: "/decision/block_reason",
    severity: "CRITICAL",
    why: "the reason the job was blocked changed",
  },
  {
    pointer: "/hashes",
    severity: "WARNING",
    why: "a content hash changed: the hashed inputs or outputs are different",
  },
  {
    pointer: "/feasibility",
    severity: "WARNING",
    why: "the authoritative feasibility evaluation changed",
  },
  {
    pointer: "/outputs",
    severity: "WARNING",
    why: "the generated manufacturing outputs (G-code, toolpaths, op plan) changed",
  },
  {
    pointer: "/tool_id",
    severity: "WARNING",
    why: "a different tool was used",
  },
] satisfies SeverityRule[]);

/** True when `value` is one of the four severity names. */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}

/** Orders severities: negative when `a` is less severe than `b`, 0 when equal, positive otherwise. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** The most severe of the given severities; NONE when given none. */
export function maxSeverity(...severities: readonly Severity[]): Severity {
  let max: Severity = "NONE";
  for (const severity of severities) if (compareSeverity(severity, max) > 0) max = severity;
  return max;
}

/**
 * The rule that decides the severity of a change at `path`: among the rules whose pointer
 * is `path` or a prefix of it (whole tokens), the longest one; for equally long pointers
 * the later rule wins. Undefined when no rule covers the path.
 */
export function ruleFor(path: string, rules: readonly SeverityRule[]): SeverityRule | undefined {
  let best: SeverityRule | undefined;
  for (const rule of rules) {
    if (!isAtOrBelow(path, rule.pointer)) continue;
    if (best === undefined || rule.pointer.length >= best.pointer.length) best = rule;
  }
  return best;
}

/**
 * The severity of a change at JSON Pointer `path` according to `rules` (default: the SPEC
 * table): the severity of the most specific covering rule, INFO when none covers it.
 */
export function severityOf(path: string, rules: readonly SeverityRule[] = DEFAULT_SEVERITY_RULES): Severity {
  return ruleFor(path, rules)?.severity ?? "INFO";
}

/**
 * The rules strictly below `path` (pointer longer than `path` and under it). The diff engine
 * uses them when a whole subtree is added, removed or replaced, so that replacing
 * `/decision` still counts as a change of `/decision/risk_level`.
 */
export function rulesBelow(path: string, rules: readonly SeverityRule[]): SeverityRule[] {
  return rules.filter((rule) => rule.pointer !== path && isAtOrBelow(rule.pointer, path));
}

/**
 * A new table: `base` plus `extra`, where a rule in `extra` replaces a base rule with the
 * same pointer. Throws a TypeError for a rule whose pointer is not a valid JSON Pointer or
 * whose severity is unknown. Neither input is modified.
 */
export function withRules(base: readonly SeverityRule[], extra: readonly SeverityRule[]): readonly SeverityRule[] {
  for (const rule of extra) {
    if (!isValidPointer(rule.pointer)) {
      throw new TypeError(`severity rule pointer is not a JSON Pointer: "${rule.pointer}"`);
    }
    if (!isSeverity(rule.severity)) {
      throw new TypeError(`severity rule for "${rule.pointer}" has unknown severity`);
    }
  }
  const replaced = new Set(extra.map((rule) => rule.pointer));
  return Object.freeze([...base.filter((rule) => !replaced.has(rule.pointer)), ...extra]);
}
