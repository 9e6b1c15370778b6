/**
 * `rmos-contract` as a function: parse the command line, make sure the service
 * answers and takes the credentials (`GET /healthz`, then one `GET /runs`; otherwise
 * exit 2 before any check), run the checks with a
 * progress line each, write the reports when asked, print a summary, and answer the
 * exit status (0 all passed, 1 a check failed, 2 unreachable or usage error). Output
 * goes through the given streams so that tests can run it in process.
 */
import fs from "node:fs";
import path from "node:path";
import { CONTRACT_CHECKS } from "./catalog.js";
import { type Check, checkLabel } from "./check.js";
import { parseCliArgs, USAGE, UsageError } from "./cli_args.js";
import { loadExtraChecks } from "./extra_checks.js";
import { junitXml } from "./junit.js";
import { markdownReport } from "./markdown_report.js";
import { runContract, tally } from "./runner.js";
import { type ContractTarget, httpTarget } from "./target.js";
import { CONTRACT_VERSION } from "./version.js";

/** Where `main` writes. */
export interface MainIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
  /** The fetch to reach the service (default: the global one). */
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

async function reachable(target: ContractTarget): Promise<string | undefined> {
  try {
    const res = await target.fetch("/healthz", { signal: AbortSignal.timeout(15000) });
    await res.body?.cancel();
    if (res.status !== 200) return `GET /healthz answered ${res.status}: is this an RMOS Runs service?`;
    const api = await target.fetch("/api/rmos/runs?limit=1", { signal: AbortSignal.timeout(15000) });
    await api.body?.cancel();
    if (api.status === 401 || api.status === 403) {
      return `GET /api/rmos/runs answered ${api.status}: give a token (--token or RMOS_TOKEN) with role auditor (writer for the full run)`;
    }
    return undefined;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `cannot reach ${target.name} (${error instanceof Error ? error.message : String(error)}${cause})`;
  }
}

/** Runs the command line `argv`; resolves to the exit status. */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  let request: ReturnType<typeof parseCliArgs>;
  try {
    request = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`rmos-contract: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (request.kind === "help") {
    io.out(USAGE);
    return 0;
  }
  if (request.kind === "version") {
    io.out(`${CONTRACT_VERSION}\n`);
    return 0;
  }
  let extra: Check[];
  try {
    extra = await loadExtraChecks(request.checks, CONTRACT_CHECKS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`rmos-contract: ${error.message}\n`);
    return 2;
  }
  const target = httpTarget(request.baseUrl, {
    ...(request.token ? { token: request.token } : {}),
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  const unreachable = await reachable(target);
  if (unreachable) {
    io.err(`rmos-contract: ${unreachable}\n`);
    return 2;
  }
  io.out(`rmos-contract ${CONTRACT_VERSION}: ${target.name} (${request.readOnly ? "read-only" : "full"})\n`);
  const report = await runContract(target, {
    readOnly: request.readOnly,
    maxRuns: request.maxRuns,
    checks: [...CONTRACT_CHECKS, ...extra],
    onResult: (r) => {
      const word = { pass: "PASS", fail: "FAIL", skip: "SKIP" }[r.outcome];
      io.out(`${word}  ${checkLabel(r.check)}${r.outcome === "pass" ? "" : `: ${r.message}`}\n`);
    },
  });
  if (request.reportDir !== undefined) {
    fs.mkdirSync(request.reportDir, { recursive: true });
    fs.writeFileSync(path.join(request.reportDir, "junit.xml"), junitXml(report));
    fs.writeFileSync(path.join(request.reportDir, "report.md"), markdownReport(report));
  }
  const t = tally(report);
  io.out(`\n${t.pass} passed, ${t.fail} failed, ${t.skip} skipped\n`);
  if (request.reportDir !== undefined) {
    io.out(`reports: ${path.join(request.reportDir, "junit.xml")}, ${path.join(request.reportDir, "report.md")}\n`);
  }
  return t.fail > 0 ? 1 : 0;
}
