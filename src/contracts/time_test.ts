/**
 * UTC-only timestamps (governance invariant 7): offsets normalised to Z, naive ones
 * refused, the v1 path that takes naive as UTC, microsecond precision kept.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TimestampError, isStoredUtc, parseNaiveAsUtc, parseUtc, utcFromMillis } from "./time.js";

test("an offset is normalised to UTC", () => {
  const t = parseUtc("2026-03-01T01:30:00+02:00");
  assert.equal(t.iso, "2026-02-28T23:30:00Z");
  assert.equal(t.micros, Date.UTC(2026, 1, 28, 23, 30) * 1000);
});
test("Z and fractions up to microseconds are kept", () => {
  assert.equal(parseUtc("2025-12-12T03:19:54.841235+00:00").iso, "2025-12-12T03:19:54.841235Z");
  assert.equal(parseUtc("2025-12-12T03:19:54.8Z").iso, "2025-12-12T03:19:54.800Z");
  assert.equal(parseUtc("2025-12-12T03:19:54.841235Z").micros % 1_000_000, 841235);
});
test("a naive timestamp is refused with a message that says how to fix it", () => {
  assert.throws(
    () => parseUtc("2026-01-01T00:00:00"),
    (e: unknown) => e instanceof TimestampError && /no offset/.test(e.message),
  );
});
test("impossible dates and garbage are refused", () => {
  for (const bad of [
    "2026-02-30T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "yesterday",
    "",
    "2026-01-01T00:00:00+25:00",
  ]) {
    assert.throws(() => parseUtc(bad), TimestampError, bad);
  }
});
test("the v1 importer can take a naive timestamp as UTC", () => {
  assert.equal(parseNaiveAsUtc("2025-11-05T20:30:31.194936").iso, "2025-11-05T20:30:31.194936Z");
  assert.throws(() => parseNaiveAsUtc("2025-11-05T20:30:31Z"), TimestampError);
});
test("stored form", () => {
  assert.equal(utcFromMillis(0).iso, "1970-01-01T00:00:00.000Z");
  assert.ok(isStoredUtc("2026-01-01T00:00:00.000Z"));
  assert.ok(!isStoredUtc("2026-01-01T00:00:00+00:00"));
});
