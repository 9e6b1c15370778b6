/**
 * The run the contract creates when it may write: a valid `POST /runs` body of a
 * plausible rosette job, with G-code and toolpaths so that every hash the service
 * computes is exercised. `overrides` replace top-level fields.
 */

/** A valid POST /runs body. */
export function makeCreateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: "rosette",
    tool_id: "tool_vbit_60",
    status: "OK",
    request_summary: { design_id: "design_0001" },
    feasibility: {
      material: "maple",
      depth_mm: 1.5,
      stepover: 0.25,
      checks: [{ name: "chipload", ok: true, value: 0.02 }],
    },
    decision: { risk_level: "GREEN", score: 0.93, warnings: [], details: {} },
    outputs: { gcode_text: "G21\nG90\nM3 S18000\nG1 X1 Y1 F800\nM5\nM30\n", toolpaths: { segments: 12 } },
    meta: { operator: "contract-test" },
    ...overrides,
  };
}
