/**
 * Benchmark of the transparency log on the write path, both sides in the same run:
 * durable POST /runs per second with the log on (each run's leaf appended in its index
 * row's transaction, an intent committed before its file) against the same service
 * with the log left out (RMOS_PLUGINS), measured in alternating rounds so that machine
 * load drifts into both; and the receipt latency after the 201 — from the 201 until
 * GET /runs/{id}/receipt answers 200 — against the target of the checkpoint interval +
 * 100 ms. Each server is a real `rmos serve` child process on its own data directory.
 * Run alone: npm run build && node dist/bench/transparency-log/append_bench.js [seconds]
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { startChildServer } from "../../src/testing/child_server.js";
import { type BenchSection, fmt, renderReport } from "../report.js";

const WITHOUT_LOG = "runs,attachments,advisory,diff,workflow-sessions,schema-migrations,v1-compat";
const INTERVAL_MS = 1000;
/** Unmeasured creates per side before the rounds. */
const WARM_UP_SECONDS = 2;

export interface LogBenchOptions {
  readonly workDir: string;
  /** seconds of each of the rounds per side */
  readonly seconds: number;
  /** alternating rounds per side */
  readonly rounds?: number;
  /** receipts timed */
  readonly receipts?: number;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Durable creates per second through `url` (16 connections, `seconds`); any non-2xx fails the benchmark. */
export async function createsPerSecond(url: string, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `${url}/api/rmos/runs`,
    method: "POST",
    connections: 16,
    duration: seconds,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(makeCreateBody()),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    const codes = JSON.stringify((result as { statusCodeStats?: unknown }).statusCodeStats ?? {});
    throw new Error(`POST /runs answered ${result.non2xx} non-2xx (${codes}) and ${result.errors} errors`);
  }
  return result["2xx"] / seconds;
}

/** Durable creates/s per round of the log-on and log-off sides. */
export interface OnOffRates {
  readonly on: number[];
  readonly off: number[];
}

/**
 * POST /runs through the log-on and the log-off server in alternating rounds (which
 * side goes first alternates too, so neither always meets a warmer disk or a quieter
 * moment), after an unmeasured warm-up of each (the first creates of a fresh store make
 * its directories and grow its files). Used by both backends' on/off benchmarks.
 */
export async function onOffRounds(on: string, off: string, seconds: number, rounds: number): Promise<OnOffRates> {
  await createsPerSecond(on, WARM_UP_SECONDS);
  await createsPerSecond(off, WARM_UP_SECONDS);
  const rates = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
    for (const side of order) rates[side].push(await createsPerSecond(side === "on" ? on : off, seconds));
  }
  return rates;
}

/** The on/off ratio of the mean rates, and the per-round rates for the notes. */
export function describeOnOff(rates: OnOffRates): { on: number; off: number; ratio: number; rounds: string } {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const on = mean(rates.on);
  const off = mean(rates.off);
  const rounds = `per-round creates/s — on: ${rates.on.map((r) => fmt(r)).join(", ")}; off: ${rates.off.map((r) => fmt(r)).join(", ")}`;
  return { on, off, ratio: on / off, rounds };
}

/** Creates `count` runs, spread over about a second, and times each from its 201 to its receipt's 200. */
async function receiptLatencies(url: string, count: number): Promise<number[]> {
  const one = async (delayMs: number): Promise<number> => {
    await new Promise((r) => setTimeout(r, delayMs));
    const res = await fetch(`${url}/api/rmos/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(makeCreateBody()),
    });
    if (res.status !== 201) throw new Error(`POST /runs: ${res.status}`);
    const acknowledged = performance.now();
    const { run_id } = (await res.json()) as { run_id: string };
    for (let i = 0; i < 1000; i++) {
      const r = await fetch(`${url}/api/rmos/runs/${run_id}/receipt`);
      await r.arrayBuffer();
      if (r.status === 200) return performance.now() - acknowledged;
      if (r.status !== 202) throw new Error(`GET /runs/${run_id}/receipt: ${r.status}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no receipt for ${run_id} after 1000 polls`);
  };
  return Promise.all(Array.from({ length: count }, (_, i) => one((i * 1000) / count)));
}

/** Runs the benchmark; answers its section. */
export async function runLogBench(options: LogBenchOptions): Promise<BenchSection> {
  const rounds = options.rounds ?? 4;
  const env = (name: string, extra: Record<string, string>) => {
    const dataDir = path.join(options.workDir, name);
    fs.mkdirSync(dataDir, { recursive: true });
    return {
      RMOS_DATA_DIR: dataDir,
      RMOS_LOG_CHECKPOINT_INTERVAL_MS: String(INTERVAL_MS),
      // Measured: the write path, not the per-client rate limit (1 000/s by default).
      RMOS_RATE_LIMIT_PER_SECOND: "0",
      ...extra,
    };
  };
  const on = await startChildServer(env("on", {}));
  const off = await startChildServer(env("off", { RMOS_PLUGINS: WITHOUT_LOG }));
  let rates: OnOffRates;
  let latencies: number[];
  try {
    rates = await onOffRounds(on.url, off.url, options.seconds, rounds);
    latencies = (await receiptLatencies(on.url, options.receipts ?? 50)).sort((a, b) => a - b);
  } finally {
    await on.stop();
    await off.stop();
  }
  const { on: onRate, off: offRate, ratio, rounds: perRound } = describeOnOff(rates);
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  return {
    title: "Transparency log: POST /runs with the log on vs off, receipt latency",
    rows: [
      {
        metric: "POST /runs durable creates/s, log on",
        value: fmt(onRate),
        baseline: `${fmt(offRate)} (log off)`,
        ratio: `${fmt(ratio * 100, 1)} %`,
        target: "≥ 90 %",
        pass: ratio >= 0.9,
      },
      {
        metric: `receipt latency after the 201 (p50 ${fmt(p50)} ms, ${latencies.length} runs)`,
        value: `p99 ${fmt(p99)} ms`,
        baseline: `interval ${INTERVAL_MS} ms`,
        ratio: "—",
        target: `≤ ${INTERVAL_MS + 100} ms`,
        pass: p99 <= INTERVAL_MS + 100,
      },
    ],
    notes: [
      `${rounds} alternating round(s) of ${options.seconds} s per side after a ${WARM_UP_SECONDS} s warm-up of each, 16 connections, each side a real \`rmos serve\` on its own data directory; ${perRound}.`,
      "With the log on, each create also commits an intent before its file (the intents of one event-loop turn share a SQLite transaction) and appends its leaf in its index row's transaction (so the 201 implies the leaf is durable).",
      `Receipts: runs created over about one second, each polled every 5 ms from its 201 until GET /runs/{id}/receipt answers 200 (the signer signs within RMOS_LOG_CHECKPOINT_INTERVAL_MS = ${INTERVAL_MS}).`,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.LOG_LEVEL ??= "silent";
  const workDir = fs.mkdtempSync(path.join(process.cwd(), "bench", ".work-log-"));
  try {
    const section = await runLogBench({ workDir, seconds: Number(process.argv[2] ?? 5) });
    process.stdout.write(renderReport([section], "this machine"));
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
