/**
 * Benchmarks of the runs plugin, each against a baseline measured in the same run:
 * durable creates/s vs a raw write+fsync+rename loop on the same disk; GET /runs/{id}
 * req/s vs a bare node:http server answering fixed JSON; and, at 100 000 stored runs,
 * filtered-list p99, start-up time and resident memory.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { canonicalize } from "../../src/contracts/jcs.js";
import { makeArtifact, makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { startChildServer } from "../../src/testing/child_server.js";
import { type BenchSection, fmt } from "../report.js";
import { rawDurableLoop } from "../baselines.js";

async function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ ...opts, duration: opts.duration ?? 5 });
}

/** A bare node:http server answering a fixed JSON artifact, in its own process like the service. */
async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const payload = JSON.stringify(makeArtifact());
  const code = `const http = require("node:http"); const body = ${JSON.stringify(payload)};
    const s = http.createServer((q, r) => { r.writeHead(200, { "content-type": "application/json" }); r.end(body); });
    s.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: s.address().port })));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Writes `count` artifacts straight into the partition layout (no fsync: setup only). */
function populate(dataDir: string, count: number): string[] {
  const ids: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  const modes = ["rosette", "inlay", "binding_channel", "toolpath", "feasibility"];
  const risks = ["GREEN", "GREEN", "YELLOW", "RED"] as const;
  for (let i = 0; i < count; i++) {
    const risk = risks[i % risks.length] as (typeof risks)[number];
    const a = makeArtifact({
      at: start + i * 60_000,
      overrides: {
        mode: modes[i % modes.length] as string,
        tool_id: `tool_${i % 7}`,
        status: risk === "RED" ? "BLOCKED" : "OK",
        decision: {
          risk_level: risk,
          warnings: [],
          details: {},
          ...(risk === "RED" ? { block_reason: "chipload" } : {}),
        },
      },
    });
    const dir = path.join(dataDir, "runs", a.created_at_utc.slice(0, 10));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${a.run_id}.json`), canonicalize(a));
    ids.push(a.run_id);
  }
  return ids;
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
        target: "≥ 50 %",
        pass: createdPerSec / raw >= 0.5,
      },
      {
        metric: "GET /runs/{id} req/s (50 connections)",
        value: fmt(getRes.requests.average),
        baseline: `${fmt(bareRes.requests.average)} req/s bare node:http fixed JSON`,
        ratio: `${fmt((getRes.requests.average / bareRes.requests.average) * 100)} %`,
        target: "≥ 40 %",
        pass: getRes.requests.average / bareRes.requests.average >= 0.4,
      },
    ],
    notes: [
      `${created201} runs created with 201 during the create run; errors: ${create.errors}, non-2xx: ${create.non2xx}.`,
      "The service and the bare baseline server each run in their own process; autocannon runs in the bench process (2 cores shared by all three).",
    ],
  });

  // 3. at N stored runs: start-up, list p99, memory (the service in a child process, so its RSS is its own)
  const bigDir = path.join(opts.workDir, "big");
  const t0 = performance.now();
  const ids = populate(bigDir, opts.storedRuns);
  const populateSec = (performance.now() - t0) / 1000;
  const first = performance.now();
  let server = await startChildServer({ RMOS_DATA_DIR: bigDir, RMOS_RATE_LIMIT_PER_SECOND: "0" });
  const firstStart = performance.now() - first; // indexes every file (a store never indexed)
  await server.stop();
  const second = performance.now();
  server = await startChildServer({ RMOS_DATA_DIR: bigDir, RMOS_RATE_LIMIT_PER_SECOND: "0" });
  const startup = performance.now() - second;
  const filters = [
    "",
    "?mode=inlay",
    "?status=BLOCKED",
    "?risk_level=YELLOW&mode=rosette",
    "?tool_id=tool_3&limit=200",
    "?created_from=2025-03-01T00:00:00Z&created_to=2025-03-08T00:00:00Z",
    "?mode=toolpath&status=OK&risk_level=GREEN",
  ];
  const latencies: number[] = [];
  for (let i = 0; i < 700; i++) {
    const q = filters[i % filters.length];
    const s = performance.now();
    const res = await fetch(`${server.url}/api/rmos/runs${q}`);
    await res.arrayBuffer();
    latencies.push(performance.now() - s);
  }
  for (let i = 0; i < 300; i++)
    await (await fetch(`${server.url}/api/rmos/runs/${ids[(i * 7919) % ids.length]}`)).arrayBuffer();
  latencies.sort((a, b) => a - b);
  const rssText = fs.readFileSync(`/proc/${server.child.pid}/status`, "utf8");
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(rssText)?.[1] ?? 0) / 1024;
  const hwmMb = Number(/VmHWM:\s+(\d+)/.exec(rssText)?.[1] ?? 0) / 1024;
  await server.stop();
  const p99 = percentile(latencies, 99);
  sections.push({
    title: `Runs: at ${fmt(opts.storedRuns)} stored runs`,
    rows: [
      {
        metric: "filtered list p99 (HTTP, 7 filter shapes)",
        value: `${fmt(p99, 2)} ms`,
        baseline: `p50 ${fmt(percentile(latencies, 50), 2)} ms`,
        ratio: "—",
        target: "< 20 ms",
        pass: p99 < 20,
      },
      {
        metric: "start-up (indexed store, process spawn included)",
        value: `${fmt(startup)} ms`,
        baseline: `${fmt(firstStart)} ms first start indexing every file`,
        ratio: "—",
        target: "< 1 000 ms",
        pass: startup < 1000,
      },
      {
        metric: "resident memory after start + 1 000 requests",
        value: `${fmt(rssMb)} MB`,
        baseline: `peak ${fmt(hwmMb)} MB`,
        ratio: "—",
        target: "< 150 MB",
        pass: rssMb < 150,
      },
    ],
    notes: [
      `The store was populated by writing ${fmt(opts.storedRuns)} canonical files into the partition layout (${fmt(populateSec, 1)} s, setup only); the first start found them unindexed and indexed them all (the crash-recovery path).`,
      "Start-up on an indexed store compares the file names of every partition with the index (no file is read), removes temp files and opens SQLite.",
    ],
  });
  return sections;
}
