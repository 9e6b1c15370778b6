/**
 * Test support (no tests of its own): a small contract report with a pass, a failure
 * and a skip, holding the characters that reports must escape.
 */
import type { Check } from "./check.js";
import type { ContractReport } from "./runner.js";

const check = (id: string, invariant?: number): Check => ({
  id,
  title: `title <${id}>`,
  statement: "",
  writes: "never",
  ...(invariant !== undefined ? { invariant } : {}),
  run: async () => {},
});

export const SAMPLE_REPORT: ContractReport = {
  target: "http://h:1/?a=1&b=2",
  readOnly: true,
  version: "0.1.0",
  startedAt: new Date("2026-01-01T00:00:00Z"),
  finishedAt: new Date("2026-01-01T00:00:01.5Z"),
  results: [
    { check: check("a", 1), outcome: "pass", evidence: ["run_1 → 201"], durationMs: 12 },
    { check: check("b", 3), outcome: "fail", message: 'DELETE "x" → 204 | <b>', evidence: [], durationMs: 3 },
    { check: check("c"), outcome: "skip", message: "read-only", evidence: ["line\nnext"], durationMs: 0 },
  ],
};
