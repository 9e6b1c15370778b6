/**
 * The migration contract kit can fail: it is run in a child `node --test` over
 * deliberately broken migrations (fixtures/broken_migrations_contract.ts), and each
 * fault must fail the checks it breaks — and a sound step must pass them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

/** Suite name → the names of its failed tests, from TAP output. */
function failuresBySuite(tap: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let pending: string[] = [];
  for (const line of tap.split("\n")) {
    const m = /^\s*(not )?ok \d+ - (.*)$/.exec(line);
    if (!m) continue;
    const name = (m[2] as string).replace(/ # .*$/, "");
    if (name.startsWith("artifact migration contract: ")) {
      out.set(name.slice("artifact migration contract: ".length), pending);
      pending = [];
    } else if (m[1]) pending.push(name);
  }
  return out;
}

test("the contract kit fails each broken migration on the checks its fault breaks", () => {
  const fixture = fileURLToPath(new URL("./fixtures/broken_migrations_contract.js", import.meta.url));
  // Without NODE_TEST_CONTEXT, or the child would report to this runner instead of printing TAP.
  const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
  const child = spawnSync(process.execPath, ["--test", "--test-reporter=tap", fixture], {
    encoding: "utf8",
    env: { ...env, LOG_LEVEL: "silent" },
    timeout: 120_000,
  });
  assert.notEqual(child.status, 0, "the child run fails");
  const failed = failuresBySuite(child.stdout);
  const has = (suite: string, pattern: RegExp) => {
    const names = failed.get(suite);
    assert.ok(names, `suite ${suite} ran:\n${child.stdout.slice(-2000)}`);
    assert.ok(
      names.some((n) => pattern.test(n)),
      `${suite} fails ${pattern}; failed: ${JSON.stringify(names)}`,
    );
  };
  const passes = (suite: string, pattern: RegExp) => {
    const names = failed.get(suite) ?? [];
    assert.ok(!names.some((n) => pattern.test(n)), `${suite} passes ${pattern}; failed: ${JSON.stringify(names)}`);
  };
  has("3.0.0 → 3.1.0", /transform is pure/);
  has("3.0.0 → 3.1.0", /materialising writes a new record/);
  has("3.5.0 → 3.6.0", /transform is pure/);
  passes("3.5.0 → 3.6.0", /run_id never changes/);
  has("4.0.0 → 4.1.0", /run_id never changes/);
  passes("4.0.0 → 4.1.0", /transform is pure/);
  has("5.0.0 → 5.1.0", /existing hashes are preserved/);
  passes("5.0.0 → 5.1.0", /run_id never changes/);
  has("6.0.0 → 6.1.0", /composite path gives the same result/);
  has("6.0.0 → 6.2.0", /composite path gives the same result/);
  assert.deepEqual(failed.get("6.1.0 → 6.2.0"), [], "the sound step passes everything");
  has("7.0.0 → 7.1.0", /validateAfter accepts it/);
  has("7.0.0 → 7.1.0", /a dry run writes nothing/);
});
