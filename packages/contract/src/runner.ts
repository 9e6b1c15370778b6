/**
 * Runs checks against a target and collects their results. In read-only mode one
 * {@link ContractSession} shares the sample of existing runs between its checks (read
 * once, lazily); otherwise each check reads it afresh. A check
 * that would have to write is skipped in read-only mode; a check that throws fails,
 * with the thrown message and the evidence gathered up to that point; nothing a check
 * does can stop the others from running.
 */
import { CONTRACT_CHECKS } from "./catalog.js";
import { type Check, type CheckContext, type CheckResult, CheckSkipped } from "./check.js";
import { type SampledRun, sampleRuns } from "./run_sample.js";
import type { ContractTarget } from "./target.js";
import { CONTRACT_VERSION } from "./version.js";

/** Options of a contract run. */
export interface ContractOptions {
  /** Create nothing: inspect existing runs only (default false). */
  readonly readOnly?: boolean;
  /** How many of the newest existing runs to inspect (default 50). */
  readonly maxRuns?: number;
  /** The checks to run (default: all, see CONTRACT_CHECKS). */
  readonly checks?: readonly Check[];
  /** Called after each check, e.g. to print progress. */
  readonly onResult?: (result: CheckResult) => void;
}

/** Everything one contract run found. */
export interface ContractReport {
  readonly target: string;
  readonly readOnly: boolean;
  readonly version: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly results: readonly CheckResult[];
}

/** A set of checks against one target sharing one sample of existing runs. */
export interface ContractSession {
  run(check: Check): Promise<CheckResult>;
}

/** A session against `target`. */
export function contractSession(
  target: ContractTarget,
  options: Pick<ContractOptions, "readOnly" | "maxRuns"> = {},
): ContractSession {
  const readOnly = options.readOnly ?? false;
  let sample: Promise<SampledRun[]> | undefined;
  return {
    async run(check) {
      const evidence: string[] = [];
      const started = performance.now();
      const done = (outcome: CheckResult["outcome"], message?: string): CheckResult => ({
        check,
        outcome,
        evidence,
        durationMs: performance.now() - started,
        ...(message !== undefined ? { message } : {}),
      });
      if (readOnly && check.writes === "always") return done("skip", "read-only: this check creates runs");
      const ctx: CheckContext = {
        target,
        readOnly,
        note: (line) => evidence.push(line),
        skip: (reason) => {
          throw new CheckSkipped(reason);
        },
        sample: () => {
          // read-only: the installation does not change under the contract, so one read serves every
          // check; otherwise each check reads afresh and sees the runs the checks before it created
          if (!readOnly) return sampleRuns(target, options.maxRuns ?? 50);
          sample ??= sampleRuns(target, options.maxRuns ?? 50);
          return sample;
        },
      };
      try {
        await check.run(ctx);
        return done("pass");
      } catch (error) {
        if (error instanceof CheckSkipped) return done("skip", error.message);
        const message = error instanceof Error ? error.message : String(error);
        const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
        return done("fail", `${message}${cause}`);
      }
    },
  };
}

/** Runs the checks against `target`, one after another. */
export async function runContract(target: ContractTarget, options: ContractOptions = {}): Promise<ContractReport> {
  const session = contractSession(target, options);
  const startedAt = new Date();
  const results: CheckResult[] = [];
  for (const check of options.checks ?? CONTRACT_CHECKS) {
    const result = await session.run(check);
    results.push(result);
    options.onResult?.(result);
  }
  return {
    target: target.name,
    readOnly: options.readOnly ?? false,
    version: CONTRACT_VERSION,
    startedAt,
    finishedAt: new Date(),
    results,
  };
}

/** The number of results with each outcome. */
export function tally(report: ContractReport): Record<CheckResult["outcome"], number> {
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const r of report.results) counts[r.outcome]++;
  return counts;
}
