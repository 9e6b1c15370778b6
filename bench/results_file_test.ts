/** Tests for bench/results_file.ts: a named run replaces only its own block. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeResults, parseResultBlocks } from "./results_file.js";

const ORDER = ["runs", "attachments", "postgres"];

test("a run replaces its own block and keeps the others in order", () => {
  const first = mergeResults(
    "",
    new Map([
      ["postgres", "## PG\nold pg"],
      ["runs", "## Runs\nold runs"],
    ]),
    ORDER,
  );
  assert.deepEqual([...parseResultBlocks(first).keys()], ["runs", "postgres"]);
  const second = mergeResults(first, new Map([["runs", "## Runs\nnew runs"]]), ORDER);
  const blocks = parseResultBlocks(second);
  assert.equal(blocks.get("runs"), "## Runs\nnew runs");
  assert.equal(blocks.get("postgres"), "## PG\nold pg");
  assert.ok(second.indexOf("new runs") < second.indexOf("old pg"));
});

test("an unknown benchmark goes last; text outside blocks is not kept", () => {
  const merged = mergeResults(
    "stray\n",
    new Map([
      ["zeta", "z"],
      ["attachments", "a"],
    ]),
    ORDER,
  );
  assert.ok(!merged.includes("stray"));
  assert.ok(merged.indexOf("bench:attachments") < merged.indexOf("bench:zeta"));
});
