/**
 * Benchmark of the diff plugin: p50/p99 of diffArtifacts over two run artifacts whose
 * outputs hold 10 000-line G-code programs that differ in a few lines, and whose status and
 * decision differ too (the target: p99 under 50 ms); and p99 of the whole
 * GET /runs/diff through an in-process kernel (store read, diff, JSON response of both
 * programs and the patch). The baseline, measured in the same run on the same objects, is
 * JSON.stringify of both artifacts: one plain pass over everything, the least any
 * comparison that reports the values has to do.
 */
import { performance } from "node:perf_hooks";
import { CURRENT_SCHEMA_VERSION } from "../../src/contracts/artifact.js";
import { sha256Hex } from "../../src/contracts/hashing.js";
import { newId } from "../../src/contracts/ids.js";
import type { StoredArtifact } from "../../src/contracts/ports/run_store.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { diffArtifacts } from "../../src/plugins/diff/diff_engine.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";
import { type BenchSection, fmt } from "../report.js";

const LINES = 10_000;
const TARGET_MS = 50;

/** A 10 000-line G-code program; `changed` lines get another feed rate. */
function gcode(changed: readonly number[]): string {
  const lines = ["G21", "G90", "M3 S18000"];
  for (let i = 0; lines.length < LINES - 2; i++) {
    const feed = changed.includes(lines.length) ? 900 : 1200;
    lines.push(`G1 X${(i * 0.125).toFixed(3)} Y${((i * 7) % 400) / 4} Z-1.500 F${feed}`);
  }
  lines.push("M5", "M30");
  return `${lines.join("\n")}\n`;
}

function artifact(blocked: boolean, changedLines: readonly number[]): StoredArtifact {
  const id = newId("run");
  const text = gcode(changedLines);
  return {
    schema_version: CURRENT_SCHEMA_VERSION,
    run_id: id.id,
    created_at_utc: new Date(id.time).toISOString(),
    mode: "toolpath",
    tool_id: "tool_endmill_6",
    status: blocked ? "BLOCKED" : "OK",
    request_summary: { design_id: "design_0042", params: { passes: 4, stepdown_mm: 1.5 } },
    feasibility: { material: "maple", depth_mm: 6, checks: [{ name: "chipload", ok: !blocked, value: 0.02 }] },
    decision: blocked
      ? { risk_level: "RED", block_reason: "feed exceeds the tool's limit", warnings: ["deep cut"], details: {} }
      : { risk_level: "GREEN", score: 0.91, warnings: [], details: {} },
    hashes: { feasibility_sha256: "f".repeat(64), gcode_sha256: sha256Hex(text) },
    outputs: { gcode_text: text, toolpaths: { segments: LINES - 5 } },
    attachments: [],
    advisory_inputs: [],
    meta: { operator: "ana" },
    created_by: "anonymous",
  };
}

/** Milliseconds of `iterations` calls of `fn`, sorted, after `warmup` unmeasured calls. */
async function timings(fn: () => unknown, iterations: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((x, y) => x - y);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (n: number) => `${fmt(n, 2)} ms`;

/** Runs the diff benchmark; returns its section of the report. */
export async function runDiffBench(options: { iterations?: number } = {}): Promise<BenchSection> {
  const iterations = options.iterations ?? 200;
  const a = artifact(false, []);
  const b = artifact(true, [1_000, 5_000, 9_000]);
  const check = diffArtifacts(a, b);
  if (check.severity !== "CRITICAL") throw new Error(`unexpected severity ${check.severity}`);

  const baseline = await timings(() => JSON.stringify(a).length + JSON.stringify(b).length, iterations, 20);
  const engine = await timings(() => diffArtifacts(a, b), iterations, 20);

  const t = await startTestKernel();
  let http: number[];
  let bytes = 0;
  try {
    const store = t.kernel.resolve(RUN_STORE);
    await store.create(a);
    await store.create(b);
    const url = `runs/diff?a=${a.run_id}&b=${b.run_id}`;
    http = await timings(
      async () => {
        const response = await t.request(url);
        if (response.status !== 200) throw new Error(`GET /runs/diff answered ${response.status}`);
        bytes = (await response.arrayBuffer()).byteLength;
      },
      Math.max(20, Math.floor(iterations / 2)),
      10,
    );
  } finally {
    await t.close();
  }

  const base99 = percentile(baseline, 99);
  const row = (metric: string, sorted: number[], p: number, target: boolean) => {
    const value = percentile(sorted, p);
    return {
      metric,
      value: ms(value),
      baseline: `${ms(percentile(baseline, p))} (JSON.stringify a+b, p${p})`,
      ratio: `${fmt(value / percentile(baseline, p), 1)}×`,
      target: target ? `< ${TARGET_MS} ms` : "—",
      pass: !target || value < TARGET_MS,
    };
  };
  return {
    title: "diff: two runs with 10 000-line G-code",
    rows: [
      row("diffArtifacts p50", engine, 50, false),
      row("diffArtifacts p99", engine, 99, true),
      {
        metric: "GET /runs/diff p99 (in process)",
        value: ms(percentile(http, 99)),
        baseline: `${ms(base99)} (JSON.stringify a+b, p99)`,
        ratio: `${fmt(percentile(http, 99) / base99, 1)}×`,
        target: `< ${TARGET_MS} ms`,
        pass: percentile(http, 99) < TARGET_MS,
      },
    ],
    notes: [
      `${iterations} measured diffs after 20 warm-up ones; each artifact's G-code is ${fmt(
        (a.outputs as { gcode_text: string }).gcode_text.length,
      )} characters; b differs in 3 G-code lines, status, decision, feasibility and hashes (${check.changes.length} changes, CRITICAL).`,
      `A changed string is one replace, never a line diff, so the cost is the walk over both artifacts plus one string comparison; the HTTP answer (${fmt(
        bytes / 1024,
      )} KiB) carries both programs and the patch.`,
    ],
  };
}
