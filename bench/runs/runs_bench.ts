/**
 * Benchmarks of the runs plugin, each against a baseline measured in the same run:
 * durable creates/s vs a raw write+fsync+rename loop on the same disk; GET /runs/{id}
 * req/s vs a bare node:http server answering fixed JSON; and, at N stored runs (100 000,
 * or `--scale N`; the store generated once and cached, see scale_store.ts), filtered-list
 * p99, start-up time and resident memory, each against a baseline of the same run.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { type ChildServer, startChildServer } from "../../src/testing/child_server.js";
import { type BenchSection, fmt } from "../report.js";
import { bareServer, rawDurableLoop } from "../baselines.js";
import { sampleRunIds, scaleStore } from "./scale_store.js";
import { pino } from "pino";
import type { RunListQuery } from "../../src/contracts/ports/run_store.js";
import { openSqliteConnection } from "../../src/kernel/db/sqlite.js";
import { EmbeddedRunStore, type ReconcileReport } from "../../src/plugins/runs/embedded_store.js";

async function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ ...opts, duration: opts.duration ?? 5 });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs the runs benchmarks in `workDir` (same disk for service and baseline). */
export async function runRunsBench(opts: {
  workDir: string;
  storedRuns: number;
  seconds: number;
}): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];

  // 1. durable creates
  const raw = rawDurableLoop(path.join(opts.workDir, "raw"), 2000);
  const service = await startChildServer({
    RMOS_DATA_DIR: path.join(opts.workDir, "creates"),
    RMOS_RATE_LIMIT_PER_SECOND: "0",
  });
  const baseUrl = `${service.url}/api/rmos`;
  const create = await cannon({
    url: `${baseUrl}/runs`,
    method: "POST",
    connections: 16,
    duration: opts.seconds,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(makeCreateBody()),
  });
  const createdPerSec = create.requests.average;
  const created201 = create["2xx"];
  // 2. GET by id vs bare node:http
  const runId = ((await (await fetch(`${baseUrl}/runs?limit=1`)).json()) as { items: Array<{ run_id: string }> })
    .items[0]?.run_id;
  const bare = await bareServer();
  const bareRes = await cannon({ url: bare.url, connections: 50, duration: opts.seconds });
  await bare.close();
  const getRes = await cannon({ url: `${baseUrl}/runs/${runId}`, connections: 50, duration: opts.seconds });
  await service.stop();
  sections.push({
    title: "Runs: write and read throughput",
    rows: [
      {
        metric: "durable creates/s (POST /runs, 16 connections)",
        value: fmt(createdPerSec),
        baseline: `${fmt(raw)} raw write+fsync+rename+dir fsync /s (1 thread)`,
        ratio: `${fmt((createdPerSec / raw) * 100)} %`,
        target: "≥ 100 %",
        pass: createdPerSec / raw >= 1,
      },
      {
        metric: "GET /runs/{id} req/s (50 connections)",
        value: fmt(getRes.requests.average),
        baseline: `${fmt(bareRes.requests.average)} req/s bare node:http fixed JSON`,
        ratio: `${fmt((getRes.requests.average / bareRes.requests.average) * 100)} %`,
        target: "≥ 50 %",
        pass: getRes.requests.average / bareRes.requests.average >= 0.5,
      },
    ],
    notes: [
      `${created201} runs created with 201 during the create run; errors: ${create.errors}, non-2xx: ${create.non2xx}.`,
      "The service and the bare baseline server each run in their own process; autocannon runs in the bench process (2 cores shared by all three).",
    ],
  });

  // 3. at N stored runs: start-up, list p99, memory (the service in a child process, so its RSS is its own)
  sections.push(await atScale(opts));
  return sections;
}

/** RSS and peak RSS (MB) of a process, from /proc. */
function rssOf(pid: number | undefined): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
  };
}

/** Starts the service on `dataDir`, timing spawn to listening. */
async function timedStart(dataDir: string): Promise<{ server: ChildServer; ms: number }> {
  const s = performance.now();
  const server = await startChildServer({ RMOS_DATA_DIR: dataDir, RMOS_RATE_LIMIT_PER_SECOND: "0" });
  return { server, ms: performance.now() - s };
}

const FILTERS = [
  "",
  "?mode=inlay",
  "?status=BLOCKED",
  "?risk_level=YELLOW&mode=rosette",
  "?tool_id=tool_3&limit=200",
  "?created_from=2025-03-01T00:00:00Z&created_to=2025-03-08T00:00:00Z",
  "?mode=toolpath&status=OK&risk_level=GREEN",
];

/** 700 filtered lists (7 shapes) and 300 gets: every list's latency, by shape. */
async function requests(url: string, ids: readonly string[]): Promise<Map<string, number[]>> {
  const byShape = new Map<string, number[]>(FILTERS.map((f) => [f, []]));
  for (let i = 0; i < 700; i++) {
    const q = FILTERS[i % FILTERS.length] as string;
    const s = performance.now();
    const res = await fetch(`${url}/api/rmos/runs${q}`);
    await res.arrayBuffer();
    byShape.get(q)?.push(performance.now() - s);
  }
  for (let i = 0; i < 300 && ids.length > 0; i++) {
    const res = await fetch(`${url}/api/rmos/runs/${ids[i % ids.length]}`);
    if (res.status !== 200) throw new Error(`GET of a stored run answered ${res.status}`);
    await res.arrayBuffer();
  }
  return byShape;
}

const SHAPE_QUERIES: ReadonlyArray<Omit<RunListQuery, "limit"> & { limit?: number }> = [
  {},
  { mode: "inlay" },
  { status: "BLOCKED" },
  { risk_level: "YELLOW", mode: "rosette" },
  { tool_id: "tool_3", limit: 200 },
  { created_from_us: Date.UTC(2025, 2, 1) * 1000, created_to_us: Date.UTC(2025, 2, 8) * 1000 },
  { mode: "toolpath", status: "OK", risk_level: "GREEN" },
];

/** Opens the embedded store on `dataDir` in this process: its open's duration and the SQL time of the 700 lists. */
async function storeOnly(dataDir: string): Promise<{ openMs: number; report: ReconcileReport; listMs: number[] }> {
  const db = openSqliteConnection(path.join(dataDir, "rmos.db"));
  const store = new EmbeddedRunStore({ dataDir, cacheBytes: 2 ** 20, logger: pino({ level: "silent" }) });
  try {
    const s = performance.now();
    const report = await store.open(db);
    const openMs = performance.now() - s;
    const listMs: number[] = [];
    for (let i = 0; i < 700; i++) {
      const shape = SHAPE_QUERIES[i % SHAPE_QUERIES.length] ?? {};
      const t = performance.now();
      await store.list({ limit: 50, ...shape });
      listMs.push(performance.now() - t);
    }
    return { openMs, report, listMs: listMs.sort((a, b) => a - b) };
  } finally {
    await store.close();
    db.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * At N stored runs (the store generated once and cached, bench/runs/scale_store.ts):
 * start-up (median of 3, process spawn included) against an empty store's and a bare
 * node:http process's; list p99 against its p50; RSS after start + 1 000 requests against
 * the empty store's after the same requests.
 */
async function atScale(opts: { workDir: string; storedRuns: number }): Promise<BenchSection> {
  const store = await scaleStore(opts.storedRuns, (line) => process.stderr.write(`bench: runs: ${line}\n`));
  const ids = sampleRunIds(store.dataDir, store.runs, 300);
  // Baselines: a bare node:http process, and the service on an empty store.
  const b0 = performance.now();
  const bare = await bareServer();
  const bareMs = performance.now() - b0;
  await bare.close();
  const emptyDir = path.join(opts.workDir, "empty");
  const emptyStarts: number[] = [];
  let emptyRssMb = 0;
  let emptyLatencies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { server, ms } = await timedStart(emptyDir);
    emptyStarts.push(ms);
    if (i === 2) {
      emptyLatencies = [...(await requests(server.url, [])).values()].flat().sort((a, b) => a - b);
      emptyRssMb = rssOf(server.child.pid).rss;
    }
    await server.stop();
  }
  const starts: number[] = [];
  let server: ChildServer | undefined;
  for (let i = 0; i < 3; i++) {
    const started = await timedStart(store.dataDir);
    starts.push(started.ms);
    if (i < 2) await started.server.stop();
    else server = started.server;
  }
  if (!server) throw new Error("no server");
  // The store's own share, in this process while the service idles: open (the start-up
  // reconcile) and the 700 lists' SQL, without HTTP.
  const own = await storeOnly(store.dataDir);
  const byShape = await requests(server.url, ids);
  const { rss, hwm } = rssOf(server.child.pid);
  await server.stop();
  const latencies = [...byShape.values()].flat().sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  const startup = median(starts);
  const shapes = [...byShape].map(
    ([q, l]) =>
      `\`${q || "(none)"}\` ${fmt(
        percentile(
          [...l].sort((a, b) => a - b),
          99,
        ),
        1,
      )}`,
  );
  return {
    title: `Runs: at ${fmt(opts.storedRuns)} stored runs`,
    rows: [
      {
        metric: "filtered list p99 (HTTP, 7 filter shapes)",
        value: `${fmt(p99, 2)} ms`,
        baseline: `${fmt(percentile(emptyLatencies, 99), 2)} ms the same requests on an empty store; p50 ${fmt(percentile(latencies, 50), 2)} ms`,
        ratio: `${fmt(p99 / Math.max(percentile(emptyLatencies, 99), 0.001), 2)} × empty`,
        target: "< 20 ms",
        pass: p99 < 20,
      },
      {
        metric: "start-up (checkpointed store, process spawn included, median of 3)",
        value: `${fmt(startup)} ms`,
        baseline: `${fmt(median(emptyStarts))} ms empty store; ${fmt(bareMs)} ms bare node:http process`,
        ratio: `${fmt(startup / Math.max(median(emptyStarts), 1), 2)} × empty`,
        target: "< 1 000 ms",
        pass: startup < 1000,
      },
      {
        metric: "resident memory after start + 1 000 requests",
        value: `${fmt(rss)} MB`,
        baseline: `${fmt(emptyRssMb)} MB empty store after the same requests`,
        ratio: `peak ${fmt(hwm)} MB`,
        target: "< 150 MB",
        pass: rss < 150,
      },
    ],
    notes: [
      `List p99 by filter shape (ms): ${shapes.join(", ")}. The index queries alone (the store's list, in-process, the same 700 lists): p50 ${fmt(percentile(own.listMs, 50), 2)} ms, p99 ${fmt(percentile(own.listMs, 99), 2)} ms, max ${fmt(own.listMs.at(-1) ?? 0, 1)} ms.`,
      `The store's open (the start-up reconcile) in-process: ${fmt(own.openMs, 1)} ms for ${fmt(own.report.partitions)} partitions, ${fmt(own.report.partitionsScanned)} compared file by file.`,
      `The store (${fmt(opts.storedRuns)} canonical files in ${fmt(own.report.partitions)} daily partitions, one run a minute, and their index) is generated once and cached in bench/.cache/ (${store.cached ? "reused from the cache" : "generated by this run"}: generation took ${fmt(store.generatedSec, 1)} s; the first start, with no checkpoint so comparing every partition's file names with the index, took ${fmt(store.firstStartMs)} ms).`,
      "Start-up on a checkpointed store stats each partition directory and compares its mtime with the recorded one; no file name is listed and no index row loaded (docs/plugins/runs.md).",
    ],
  };
}
