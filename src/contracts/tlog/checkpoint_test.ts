/**
 * Tests of the checkpoint text: the canonical form round-trips, and every
 * non-canonical or truncated form is refused (missing newline, leading zero, sign,
 * empty line, short or non-canonical base64 root, missing lines, bad origin).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatCheckpoint, parseCheckpoint } from "./checkpoint.js";
import { leafHash } from "./hashing.js";

const root = leafHash("x");
const rootB64 = Buffer.from(root).toString("base64");

describe("checkpoint text", () => {
  test("the canonical form round-trips", () => {
    const text = formatCheckpoint({ origin: "example.com/log", size: 20852163, root });
    assert.equal(text, `example.com/log\n20852163\n${rootB64}\n`);
    const parsed = parseCheckpoint(text);
    assert.ok(parsed.ok);
    assert.equal(parsed.checkpoint.size, 20852163);
    assert.deepEqual(Buffer.from(parsed.checkpoint.root), Buffer.from(root));
    assert.equal(parseCheckpoint(`example.com/log\n0\n${rootB64}\n`).ok, true);
  });

  test("extension lines are kept (opaque)", () => {
    const parsed = parseCheckpoint(`o\n1\n${rootB64}\next one\n`);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.checkpoint.extensions, ["ext one"]);
  });

  test("truncated and non-canonical forms are refused", () => {
    const bad = [
      `o\n1\n${rootB64}`,
      "o\n1\n",
      "o\n",
      "",
      `o\n01\n${rootB64}\n`,
      `o\n+1\n${rootB64}\n`,
      `o\n-1\n${rootB64}\n`,
      `o\n 1\n${rootB64}\n`,
      `o\n1.0\n${rootB64}\n`,
      `o\n99999999999999999999\n${rootB64}\n`,
      `o\n1\n${rootB64.slice(0, -1)}\n`,
      `o\n1\n${rootB64.replace("=", "")}\n`,
      `o\n1\n${Buffer.from(root.subarray(0, 31)).toString("base64")}\n`,
      `o\n1\n${rootB64}\n\n`,
      `\n1\n${rootB64}\n`,
      `o o\n1\n${rootB64}\n`,
      `o+o\n1\n${rootB64}\n`,
      `o\r\n1\n${rootB64}\n`,
    ];
    for (const text of bad) assert.equal(parseCheckpoint(text).ok, false, JSON.stringify(text));
  });

  test("formatting refuses what it could not parse back", () => {
    assert.throws(() => formatCheckpoint({ origin: "a b", size: 1, root }), RangeError);
    assert.throws(() => formatCheckpoint({ origin: "a", size: -1, root }), RangeError);
    assert.throws(() => formatCheckpoint({ origin: "a", size: 1, root: root.subarray(1) }), RangeError);
  });
});
