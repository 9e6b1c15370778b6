/**
 * The machine calibration record as it travels over HTTP: what a client sends to create
 * one, what the service answers, and a page of the list — zod schemas made with the
 * service's own zod (rmos-runs/plugin-api/openapi.js), so they appear in openapi.json.
 */
import { z } from "rmos-runs/plugin-api/openapi.js";

/** A calibration id: `cal_` and 1–64 letters, digits, `_` or `-`, chosen by the client. */
export const CALIBRATION_ID_PATTERN = /^cal_[A-Za-z0-9_-]{1,64}$/;

/** A machine id: 1–64 letters, digits, `_`, `-` or `.`, not starting with `.`. */
export const MACHINE_ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

export const CalibrationIdSchema = z.string().regex(CALIBRATION_ID_PATTERN).openapi({ example: "cal_cnc2_2026_11_21" });

const Millimetres = z.number().finite().min(-50).max(50);

/** Offsets of the touch probe from the spindle axis, in millimetres. */
export const ProbeOffsetsSchema = z
  .object({ x_mm: Millimetres, y_mm: Millimetres, z_mm: Millimetres })
  .strict()
  .openapi("ProbeOffsets");

/** What a client sends to record a calibration. */
export const CreateCalibrationSchema = z
  .object({
    calibration_id: CalibrationIdSchema,
    machine_id: z.string().regex(MACHINE_ID_PATTERN).openapi({ example: "cnc-2" }),
    spindle_runout_um: z.number().finite().min(0).max(1000).openapi({ description: "total indicated runout, µm" }),
    probe_offsets: ProbeOffsetsSchema,
    measured_at_utc: z
      .string()
      .max(40)
      .openapi({ description: "RFC 3339 with an offset; stored in UTC (Z)", example: "2026-11-21T08:30:00Z" }),
    operator: z.string().min(1).max(128).openapi({ description: "who measured" }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .openapi({
        description: "optional: the client's hash of the content; refused (422) when it is not the true one",
      }),
  })
  .strict()
  .openapi("CreateMachineCalibration");

/** A stored calibration record. */
export const CalibrationSchema = z
  .object({
    calibration_id: CalibrationIdSchema,
    machine_id: z.string(),
    spindle_runout_um: z.number(),
    probe_offsets: ProbeOffsetsSchema,
    measured_at_utc: z.string(),
    operator: z.string(),
    sha256: z.string().openapi({ description: "SHA-256 of the RFC 8785 canonical JSON of the measured content" }),
    created_at_utc: z.string(),
    created_by: z.string().openapi({ description: "the principal that recorded it" }),
  })
  .openapi("MachineCalibration");

/** A page of calibration records. */
export const CalibrationPageSchema = z
  .object({
    items: z.array(CalibrationSchema),
    next_cursor: z.string().nullable().openapi({ description: "pass as `cursor` for the next page; null on the last" }),
  })
  .openapi("MachineCalibrationPage");

export type CreateCalibration = z.infer<typeof CreateCalibrationSchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;
