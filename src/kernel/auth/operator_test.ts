/** Operator principals of the command line. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../plugin_api/args.js";
import { OperatorNameError, operatorOfOption, operatorPrincipal } from "./operator.js";

test("cli:<os user> by default, cli:<name> with --as, never doubled", () => {
  assert.equal(
    operatorPrincipal(undefined, () => "alice"),
    "cli:alice",
  );
  assert.equal(operatorPrincipal("bob"), "cli:bob");
  assert.equal(operatorPrincipal("cli:bob"), "cli:bob");
  assert.match(operatorPrincipal(), /^cli:/);
});

test("names that would leave the cli: namespace or carry junk are refused", () => {
  for (const bad of ["token:ci", "system:x", "", "a b", "-x", "x\n", "x".repeat(65)]) {
    assert.throws(() => operatorPrincipal(bad), OperatorNameError, bad);
  }
});

test("operatorOfOption: a bad --as is a usage error that names the option", () => {
  assert.equal(operatorOfOption("ana"), "cli:ana");
  assert.throws(
    () => operatorOfOption("no spaces"),
    (error: unknown) => error instanceof UsageError && error.message.startsWith("--as: "),
  );
});
