/** Token lifetimes: the accepted forms and the refused ones. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DurationError, MAX_DURATION_MS, parseDuration } from "./duration.js";

test("30s, 15m, 12h, 90d", () => {
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("15m"), 900_000);
  assert.equal(parseDuration("12h"), 43_200_000);
  assert.equal(parseDuration("90d"), 90 * 86_400_000);
  assert.equal(parseDuration("3650d"), MAX_DURATION_MS);
});

test("refused: zero, sign, fraction, no unit, unknown unit, spaces, upper case, over ten years", () => {
  for (const bad of ["0s", "-1d", "+1d", "1.5h", "10", "d", "1w", "1 d", " 1d", "1D", "3651d", "0100s", "", "1e3s"]) {
    assert.throws(() => parseDuration(bad), DurationError, bad);
  }
});
