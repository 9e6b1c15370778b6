/**
 * The record rules: the timestamp is stored in UTC, the hash covers the measured content
 * only and is the service's to compute, a false client hash is a 422 and a timestamp
 * without an offset a 400.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalSha256 } from "rmos-runs/contracts/hashing.js";
import { ProblemError } from "rmos-runs/contracts/problem.js";
import { calibrationHash, contentOf, newCalibration } from "./calibration.js";
import type { CreateCalibration } from "./schemas.js";

const body: CreateCalibration = {
  calibration_id: "cal_1",
  machine_id: "cnc-2",
  spindle_runout_um: 3.5,
  probe_offsets: { x_mm: 0.01, y_mm: -0.02, z_mm: 12.5 },
  measured_at_utc: "2026-11-21T09:30:00+01:00",
  operator: "ana",
};
const now = new Date("2026-11-21T10:00:00.000Z");

describe("calibration records", () => {
  it("stores the measurement time in UTC and hashes the canonical content", () => {
    const record = newCalibration(body, "token:writer", now);
    assert.equal(record.measured_at_utc, "2026-11-21T08:30:00Z");
    const { sha256, created_at_utc, created_by, ...content } = record;
    assert.equal(sha256, canonicalSha256(content));
    assert.equal(created_at_utc, "2026-11-21T10:00:00.000Z");
    assert.equal(created_by, "token:writer");
  });

  it("gives the same hash to the same calibration sent with another offset or key order, another to other values", () => {
    const utc = { ...body, measured_at_utc: "2026-11-21T08:30:00Z" };
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as CreateCalibration;
    assert.equal(calibrationHash(contentOf(utc)), calibrationHash(contentOf(body)));
    assert.equal(calibrationHash(contentOf(reordered)), calibrationHash(contentOf(body)));
    assert.notEqual(calibrationHash(contentOf({ ...body, spindle_runout_um: 3.6 })), calibrationHash(contentOf(body)));
  });

  it("accepts the true client hash and refuses a false one with 422 hash-mismatch", () => {
    const truth = newCalibration(body, "anonymous", now).sha256;
    assert.equal(newCalibration({ ...body, sha256: truth }, "anonymous", now).sha256, truth);
    assert.throws(
      () => newCalibration({ ...body, sha256: "f".repeat(64) }, "anonymous", now),
      (e: unknown) => e instanceof ProblemError && e.status === 422 && e.options.slug === "hash-mismatch",
    );
  });

  it("refuses a timestamp without an offset, or not a timestamp, with 400 naming the field", () => {
    for (const measured of ["2026-11-21T08:30:00", "yesterday", "2026-02-30T00:00:00Z"]) {
      assert.throws(
        () => contentOf({ ...body, measured_at_utc: measured }),
        (e: unknown) =>
          e instanceof ProblemError && e.status === 400 && e.options.errors?.[0]?.pointer === "/measured_at_utc",
      );
    }
  });
});
