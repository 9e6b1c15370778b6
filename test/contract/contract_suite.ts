/**
 * Registers the checks of @rmos/contract (packages/contract) as node:test tests, one
 * per check, against a target given late (the server starts in a `before` hook): a
 * failing check fails its test with the check's message and evidence, a skipped one
 * is reported skipped with its reason. This is how the service's own suite runs the
 * one live contract.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CONTRACT_CHECKS,
  type ContractSession,
  type ContractTarget,
  checkLabel,
  contractSession,
} from "../../packages/contract/src/index.js";

/** Registers every check against `target()` (read when the tests run). */
export function contractSuite(name: string, target: () => ContractTarget, options: { readOnly: boolean }): void {
  describe(`governance contract (${options.readOnly ? "read-only" : "full"}): ${name}`, () => {
    let session: ContractSession | undefined;
    for (const check of CONTRACT_CHECKS) {
      test(checkLabel(check), async (t) => {
        session ??= contractSession(target(), { readOnly: options.readOnly });
        const result = await session.run(check);
        if (result.outcome === "skip") {
          t.skip(result.message);
          return;
        }
        assert.equal(result.outcome, "pass", `${result.message}\nevidence:\n${result.evidence.join("\n")}`);
      });
    }
  });
}
