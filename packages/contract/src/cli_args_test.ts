/** The command line of rmos-contract: options, `--name=value`, environment fallbacks, and every usage error. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCliArgs, UsageError } from "./cli_args.js";

test("options, --name=value forms and environment fallbacks", () => {
  assert.deepEqual(parseCliArgs(["--base-url", "http://h:1", "--token", "t", "--read-only", "--report-dir", "r"], {}), {
    kind: "run",
    baseUrl: "http://h:1",
    token: "t",
    readOnly: true,
    reportDir: "r",
    maxRuns: 50,
    checks: [],
  });
  assert.deepEqual(parseCliArgs(["--base-url=https://h/x", "--max-runs=7"], { RMOS_TOKEN: "env-token" }), {
    kind: "run",
    baseUrl: "https://h/x",
    token: "env-token",
    readOnly: false,
    maxRuns: 7,
    checks: [],
  });
  const withChecks = parseCliArgs(["--base-url", "http://h", "--checks", "a/contract", "--checks=./b.js"], {});
  assert.deepEqual(withChecks.kind === "run" && withChecks.checks, ["a/contract", "./b.js"]);
  const fromEnv = parseCliArgs([], { RMOS_BASE_URL: "http://e" });
  assert.equal(fromEnv.kind === "run" && fromEnv.baseUrl, "http://e");
  assert.deepEqual(parseCliArgs(["--base-url", "x", "--help"], {}), { kind: "help" });
  assert.deepEqual(parseCliArgs(["--version"], {}), { kind: "version" });
});

test("usage errors say what is wrong", () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /--base-url \(or RMOS_BASE_URL\) is required/],
    [["--base-url"], /--base-url needs a value/],
    [["--base-url", "--read-only"], /--base-url needs a value/],
    [["--base-url", "not a url"], /not a URL/],
    [["--base-url", "file:///etc"], /must be http or https/],
    [["--base-url", "http://h", "--max-runs", "0"], /--max-runs must be/],
    [["--base-url", "http://h", "--max-runs", "1e3"], /--max-runs must be/],
    [["--base-url", "http://h", "--frobnicate"], /unknown argument: --frobnicate/],
    [["--base-url", "http://h", "--checks"], /--checks needs a value/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseCliArgs(argv, {}),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  }
});
