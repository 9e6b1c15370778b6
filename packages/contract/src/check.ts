/**
 * The shape of one contract check and what it gets to work with. A check belongs to a
 * SPEC governance invariant (1–9) or to another API rule; it sends requests through
 * the target, records evidence as it goes (ids, status codes, hashes — what an
 * auditor files), and fails by throwing (an assertion message says what was
 * expected). A check that cannot run here — it needs to write in read-only mode, or
 * there is nothing to inspect — calls `skip(reason)`.
 */
import type { SampledRun } from "./run_sample.js";
import type { ContractTarget } from "./target.js";

/** What a check may do to the installation. */
export type CheckWrites = "never" | "when-allowed" | "always";

/** One contract check. */
export interface Check {
  /** A stable id, e.g. `invariant-1`, `idempotency-key`. */
  readonly id: string;
  /** The SPEC governance invariant it proves (1–9), or undefined for another API rule. */
  readonly invariant?: number;
  /** The invariant's or rule's name, e.g. `Required fields`. */
  readonly title: string;
  /** What is checked, in one sentence. */
  readonly statement: string;
  /** `always`: skipped in read-only mode; `when-allowed`: does more when it may write. */
  readonly writes: CheckWrites;
  run(ctx: CheckContext): Promise<void>;
}

/** What a running check works with. */
export interface CheckContext {
  readonly target: ContractTarget;
  /** True when nothing may be created. */
  readonly readOnly: boolean;
  /** Records one line of evidence. */
  note(line: string): void;
  /** Ends the check as skipped, with the reason. */
  skip(reason: string): never;
  /** Existing runs, read through the API (shared by the checks of one run of the contract). */
  sample(): Promise<readonly SampledRun[]>;
}

/** Thrown by {@link CheckContext.skip}. */
export class CheckSkipped extends Error {
  override readonly name = "CheckSkipped";
}

/** How a check ended. */
export type Outcome = "pass" | "fail" | "skip";

/** The result of one check. */
export interface CheckResult {
  readonly check: Check;
  readonly outcome: Outcome;
  /** Why it failed or was skipped. */
  readonly message?: string;
  readonly evidence: readonly string[];
  readonly durationMs: number;
}

/** The heading of a check in reports and test names, e.g. `invariant 1 — Required fields`. */
export function checkLabel(check: Check): string {
  return check.invariant === undefined ? check.title : `invariant ${check.invariant} — ${check.title}`;
}
