/**
 * The soak (`npm run bench -- --soak [--soak-seconds N] [--soak-rate R]`, not in CI):
 * `rmos serve` of this build in a child process gets mixed traffic at a steady rate —
 * creates, gets, lists, uploads, diffs, advisory creates and reviews — for N seconds
 * (20 minutes by default). Every few seconds it samples the server's resident memory
 * and V8 heap (from its /metrics); it reports them over time, p99 latency per route in
 * the first and the last fifth of the run, and every answer that was not the expected
 * one (the only deliberate errors are none: every request is valid). Requests are
 * issued on a fixed schedule (open loop), so a slow server does not slow the load.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { startChildServer } from "../../src/testing/child_server.js";
import { type BenchSection, fmt } from "../report.js";

export interface SoakOptions {
  readonly workDir: string;
  readonly seconds: number;
  /** Requests per second, all routes together. */
  readonly rate: number;
}

interface Sample {
  readonly atS: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly cacheMiB: number;
}

/**
 * The server's cache of stored runs (RMOS_CACHE_BYTES): small enough to fill during the
 * warm-up of a 20-minute soak (at 50 req/s creates add about 27 KiB/s: full in under three minutes), so that memory after warm-up
 * is judged with the cache at its bound, not while it is still filling.
 */
const SOAK_CACHE_BYTES = 4 * 2 ** 20;

type Route = "create" | "get" | "list" | "upload" | "diff" | "advisory" | "review";

/** The mix: each route's share of the requests. */
const MIX: ReadonlyArray<readonly [Route, number]> = [
  ["create", 30],
  ["get", 25],
  ["list", 12],
  ["upload", 8],
  ["diff", 10],
  ["advisory", 8],
  ["review", 7],
];

const SAMPLE_EVERY_MS = 2000;
const UPLOAD_BYTES = 64 * 1024;

function pick(n: number): Route {
  let x = n % 100;
  for (const [route, share] of MIX) {
    if (x < share) return route;
    x -= share;
  }
  return "get";
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function p99(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, "m").exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** Runs the soak and returns its report section. */
export async function runSoakBench(options: SoakOptions): Promise<BenchSection> {
  fs.mkdirSync(options.workDir, { recursive: true });
  const server = await startChildServer({
    RMOS_DATA_DIR: path.join(options.workDir, "data"),
    RMOS_RATE_LIMIT_PER_SECOND: "0",
    RMOS_CACHE_BYTES: String(SOAK_CACHE_BYTES),
  });
  const base = `${server.url}/api/rmos`;
  const runs: string[] = [];
  const pending: string[] = [];
  const latencies = new Map<Route, Array<{ atS: number; ms: number }>>();
  const errors = new Map<string, number>();
  const samples: Sample[] = [];
  const started = performance.now();
  const elapsedS = () => (performance.now() - started) / 1000;
  const json = { "content-type": "application/json" };
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const call = async (route: Route, n: number): Promise<void> => {
    const t0 = performance.now();
    let status = 0;
    let expected = 200;
    try {
      let res: Response;
      switch (route) {
        case "create":
          expected = 201;
          res = await fetch(`${base}/runs`, {
            method: "POST",
            headers: json,
            body: JSON.stringify(makeCreateBody({ meta: { n, pad: "x".repeat(n % 2000) } })),
          });
          if (res.status === 201) runs.push(((await res.json()) as { run_id: string }).run_id);
          break;
        case "get":
          if (runs.length === 0) return;
          res = await fetch(`${base}/runs/${runs[n % runs.length]}`);
          break;
        case "list":
          res = await fetch(`${base}/runs?limit=50${n % 2 ? "&mode=rosette" : ""}`);
          break;
        case "upload":
          expected = 201;
          res = await fetch(`${base}/attachments`, {
            method: "POST",
            headers: { "content-type": "text/x-gcode" },
            body: Buffer.alloc(UPLOAD_BYTES, `G1 X${n} Y${n}\n`),
          });
          if (res.status === 200) expected = 200; // the same bytes again: already stored
          break;
        case "diff": {
          if (runs.length < 2) return;
          const a = runs[n % runs.length];
          const b = runs[(n * 7 + 1) % runs.length];
          res = await fetch(`${base}/runs/diff?a=${a}&b=${b}`);
          break;
        }
        case "advisory":
          expected = 201;
          res = await fetch(`${base}/advisories`, {
            method: "POST",
            headers: json,
            body: JSON.stringify({
              asset_type: "SUGGESTION",
              source: "ai",
              provider: "soak@1",
              suggestion_data: { n },
            }),
          });
          if (res.status === 201) pending.push(((await res.json()) as { asset_id: string }).asset_id);
          break;
        case "review": {
          const asset = pending.shift();
          if (asset === undefined) return;
          expected = 201;
          res = await fetch(`${base}/advisories/${asset}/review`, {
            method: "POST",
            headers: json,
            body: JSON.stringify({ decision: n % 2 ? "approve" : "reject", reviewer_id: "soak-reviewer" }),
          });
          break;
        }
      }
      status = res.status;
      if (!res.bodyUsed) await res.arrayBuffer();
    } catch (error) {
      const key = `${route}: ${(error as Error).message}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
      return;
    }
    if (status !== expected) errors.set(`${route}: ${status}`, (errors.get(`${route}: ${status}`) ?? 0) + 1);
    const list = latencies.get(route) ?? [];
    list.push({ atS: elapsedS(), ms: performance.now() - t0 });
    latencies.set(route, list);
  };

  const sample = async () => {
    try {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      samples.push({
        atS: elapsedS(),
        rssMiB: metric(text, "process_resident_memory_bytes") / 2 ** 20,
        heapMiB: metric(text, "nodejs_heap_size_used_bytes") / 2 ** 20,
        cacheMiB: metric(text, "rmos_run_cache_bytes") / 2 ** 20,
      });
    } catch (error) {
      errors.set(`metrics: ${(error as Error).message}`, 1);
    }
  };

  try {
    const intervalMs = 1000 / options.rate;
    const calls = new Set<Promise<void>>();
    let nextSample = 0;
    while (elapsedS() < options.seconds) {
      const due = started + sent * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (performance.now() - started >= nextSample) {
        nextSample += SAMPLE_EVERY_MS;
        void sample();
      }
      const n = sent++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const p: Promise<void> = call(pick(n * 37), n).finally(() => {
        inFlight--;
        calls.delete(p);
      });
      calls.add(p);
    }
    await Promise.all(calls);
    await sample();
  } finally {
    await server.stop();
  }

  const window = options.seconds / 5;
  const rows: BenchSection["rows"] = [];
  for (const [route] of MIX) {
    const list = latencies.get(route) ?? [];
    const first = p99(list.filter((l) => l.atS < window).map((l) => l.ms));
    const last = p99(list.filter((l) => l.atS >= options.seconds - window).map((l) => l.ms));
    const ratio = last / first;
    rows.push({
      metric: `${route} p99 (first fifth → last fifth), ${list.length} requests`,
      value: `${fmt(last, 1)} ms`,
      baseline: `${fmt(first, 1)} ms`,
      ratio: Number.isFinite(ratio) ? `${fmt(ratio, 2)}×` : "—",
      target: "≤ 2× (no degradation)",
      pass: Number.isFinite(ratio) && (ratio <= 2 || last < 5),
    });
  }
  // Memory after warm-up: the median of the samples in the second fifth against the median
  // of the last fifth (one sample swings with the garbage collector's timing; a trend shows
  // in the medians).
  const warm = samples.filter((s) => s.atS >= window);
  const second = warm.filter((s) => s.atS < 2 * window);
  const last = samples.filter((s) => s.atS >= options.seconds - window);
  const rssWarm = median(second.map((s) => s.rssMiB));
  const rssEnd = median(last.map((s) => s.rssMiB));
  const heapWarm = median(second.map((s) => s.heapMiB));
  const heapEnd = median(last.map((s) => s.heapMiB));
  rows.push({
    metric: "server RSS, median (second fifth → last fifth)",
    value: `${fmt(rssEnd, 1)} MiB`,
    baseline: `${fmt(rssWarm, 1)} MiB`,
    ratio: `${fmt(rssEnd / rssWarm, 2)}×`,
    target: "≤ 1.25× (flat after warm-up)",
    pass: rssEnd / rssWarm <= 1.25,
  });
  rows.push({
    metric: "server V8 heap used, median (second fifth → last fifth)",
    value: `${fmt(heapEnd, 1)} MiB`,
    baseline: `${fmt(heapWarm, 1)} MiB`,
    ratio: `${fmt(heapEnd / heapWarm, 2)}×`,
    target: "≤ 1.5× (flat after warm-up)",
    pass: heapEnd / heapWarm <= 1.5,
  });
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  rows.push({
    metric: "unexpected answers and failed requests",
    value: String(errorCount),
    baseline: `${sent} requests`,
    ratio: "—",
    target: "0",
    pass: errorCount === 0,
  });
  const step = Math.max(1, Math.floor(samples.length / 12));
  const series = samples
    .filter((_, i) => i % step === 0 || i === samples.length - 1)
    .map((s) => `${fmt(s.atS, 0)} s: ${fmt(s.rssMiB, 1)} / ${fmt(s.heapMiB, 1)} / ${fmt(s.cacheMiB, 1)}`)
    .join("; ");
  return {
    title: `Soak: ${fmt(options.seconds, 0)} s of mixed traffic at ${fmt(options.rate, 0)} req/s`,
    rows,
    notes: [
      `Mix (share of requests): ${MIX.map(([r, s]) => `${r} ${s} %`).join(", ")}; uploads of ${UPLOAD_BYTES / 1024} KiB; open loop, at most ${maxInFlight} requests in flight.`,
      `RSS / heap used / run cache (MiB) over time — ${series}.`,
      `The server's run cache is ${SOAK_CACHE_BYTES / 2 ** 20} MiB (RMOS_CACHE_BYTES; default 32 MiB) so that it is full by the end of the warm-up (${fmt(warm[0]?.cacheMiB ?? Number.NaN, 1)} MiB then, ${fmt(samples.at(-1)?.cacheMiB ?? Number.NaN, 1)} MiB at the end): memory after warm-up is then judged with every bounded structure at its bound.`,
      `Warm-up is the first fifth (${fmt(window, 0)} s); p99 compares the first and the last fifth of the run.`,
      ...(errorCount > 0 ? [`Errors: ${[...errors].map(([k, v]) => `${k} × ${v}`).join("; ")}.`] : []),
      "Run with `npm run bench -- --soak [--soak-seconds N] [--soak-rate R]` (default 1200 s at 50 req/s); not part of CI.",
    ],
  };
}
