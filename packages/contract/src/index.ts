/**
 * @rmos/contract — the RMOS governance contract as a library: run every check against
 * a target (over HTTP with {@link httpTarget}, or any `fetch(path, init)` function such
 * as an in-process app) and render the results as JUnit XML or an auditor's Markdown
 * report. The `rmos-contract` command is built on the same functions.
 */
export { CONTRACT_CHECKS } from "./catalog.js";
export { type Check, type CheckContext, type CheckResult, checkLabel, type Outcome } from "./check.js";
export { recomputeHashes } from "./checks/hashes_true.js";
export { parseCliArgs, UsageError } from "./cli_args.js";
export { makeCreateBody } from "../../../src/contracts/testing/create_body.js";
export { canonicalSha256, sha256Hex } from "./hashing.js";
export { junitXml } from "./junit.js";
export { main } from "./main.js";
export { markdownReport } from "./markdown_report.js";
export type { SampledRun } from "./run_sample.js";
export {
  type ContractOptions,
  type ContractReport,
  type ContractSession,
  contractSession,
  runContract,
  tally,
} from "./runner.js";
export { type ContractTarget, type HttpTargetOptions, httpTarget, serviceRoot } from "./target.js";
export { CONTRACT_VERSION } from "./version.js";
