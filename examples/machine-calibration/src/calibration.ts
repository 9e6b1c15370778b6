/**
 * The rules of a calibration record, without HTTP or storage: the measured content is
 * normalised (the timestamp to UTC), its hash is computed by the service (RFC 8785 +
 * SHA-256) and a client's hash that differs is refused, and the stored record adds who
 * recorded it and when.
 */
import { canonicalSha256 } from "rmos-runs/contracts/hashing.js";
import { ProblemError } from "rmos-runs/contracts/problem.js";
import { parseUtc, TimestampError } from "rmos-runs/contracts/time.js";
import type { Calibration, CreateCalibration } from "./schemas.js";

/** The content a calibration's hash covers. */
export type CalibrationContent = Omit<Calibration, "sha256" | "created_at_utc" | "created_by">;

/** The measured content of `body`, its timestamp in UTC; a 400 for a timestamp that is not RFC 3339 with an offset. */
export function contentOf(body: CreateCalibration): CalibrationContent {
  let measured: string;
  try {
    measured = parseUtc(body.measured_at_utc).iso;
  } catch (error) {
    if (!(error instanceof TimestampError)) throw error;
    throw new ProblemError(400, error.message, {
      slug: "validation-error",
      errors: [{ location: "body", pointer: "/measured_at_utc", message: error.message, code: "invalid_timestamp" }],
    });
  }
  return {
    calibration_id: body.calibration_id,
    machine_id: body.machine_id,
    spindle_runout_um: body.spindle_runout_um,
    probe_offsets: { ...body.probe_offsets },
    measured_at_utc: measured,
    operator: body.operator,
  };
}

/** The true hash of a calibration's content. */
export function calibrationHash(content: CalibrationContent): string {
  return canonicalSha256(content);
}

/** The record to store for `body`, recorded by `principal` at `now`; a 422 when the client's sha256 is not the true one. */
export function newCalibration(body: CreateCalibration, principal: string, now: Date): Calibration {
  const content = contentOf(body);
  const sha256 = calibrationHash(content);
  if (body.sha256 !== undefined && body.sha256 !== sha256) {
    throw new ProblemError(422, `sha256 ${body.sha256} is not the hash of this calibration (${sha256})`, {
      slug: "hash-mismatch",
      extensions: { expected_sha256: sha256 },
    });
  }
  return { ...content, sha256, created_at_utc: now.toISOString(), created_by: principal };
}
