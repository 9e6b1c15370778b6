/**
 * Benchmarks of the PostgreSQL backend, each beside a baseline measured in the same run
 * on one durable server (fsync on) that the bench starts itself
 * (src/testing/postgres_server.ts): POST /runs through 1 and through 2 real `rmos serve`
 * processes vs a raw single-connection loop of INSERT + commit of the same artifact
 * bytes; GET /runs/{id} vs a bare node:http server answering fixed JSON; with `scale`
 * runs generated in the database, filtered-list p99 and start-up time (vs start-up on
 * an empty database); and `rmos db copy` of an embedded installation of `copyRuns` runs
 * (vs the raw insert loop's rate). Every database is migrated with `rmos db migrate
 * --app-role` and the services run as the app role, as production does.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import pg from "pg";
import { canonicalize } from "../../src/contracts/jcs.js";
import { makeArtifact, makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { type ChildServer, startChildServer } from "../../src/testing/child_server.js";
import { type PostgresServer, startPostgresServer, withDatabase, withUser } from "../../src/testing/postgres_server.js";
import { bareServer } from "../baselines.js";
import { type BenchSection, fmt } from "../report.js";

const MAIN = new URL("../../src/cli/main.js", import.meta.url).href;
const APP_ROLE = "rmos_bench_app";

/** A progress line on stderr. */
const say = (text: string) => process.stderr.write(`  postgres: ${text}\n`);

/** Options of the PostgreSQL benchmarks. */
export interface PostgresBenchOptions {
  readonly workDir: string;
  /** Seconds of each autocannon run. */
  readonly seconds: number;
  /** Runs generated in the database for the list and start-up measurements. */
  readonly scale: number;
  /** Runs of the embedded installation that `rmos db copy` moves up. */
  readonly copyRuns: number;
}

/** `rmos …args` of this build in a child process; resolves to its exit code and output. */
function rmos(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(MAIN)}); process.exitCode = await m.main(${JSON.stringify(args)});`,
    ],
    { env: { ...process.env, LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

/** A fresh database on `server`, migrated by its owner with `--app-role`; the app role's URL. */
async function migratedDatabase(server: PostgresServer, name: string, workDir: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const role = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    if (role.rowCount === 0) await admin.query(`CREATE ROLE ${APP_ROLE} LOGIN`);
  } finally {
    await admin.end();
  }
  const owner = withDatabase(server.url, name);
  const migrated = await rmos(["db", "migrate", "--app-role", APP_ROLE], {
    RMOS_DATABASE_URL: owner,
    RMOS_DATA_DIR: path.join(workDir, "unused"),
  });
  if (migrated.code !== 0) throw new Error(`rmos db migrate failed (${migrated.code}): ${migrated.stderr}`);
  return withUser(owner, APP_ROLE);
}

/** The environment of `rmos serve` on `url` (app role, no auto-migration, no rate limit). */
function serveEnv(url: string, workDir: string): Record<string, string> {
  return {
    RMOS_DATABASE_URL: url,
    RMOS_AUTO_MIGRATE: "false",
    RMOS_DATA_DIR: path.join(workDir, "unused"),
    RMOS_RATE_LIMIT_PER_SECOND: "0",
  };
}

/**
 * INSERT + commit per row for `seconds` on `connections` connections at once (each its
 * own loop, one commit per row): rows/s, the same artifact bytes each time, into a
 * plain table (primary key, bytea) created on first use.
 */
async function rawInsertLoop(url: string, seconds: number, connections = 1): Promise<number> {
  const clients = Array.from({ length: connections }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    await clients[0]?.query("CREATE TABLE IF NOT EXISTS bench_raw_inserts (id TEXT PRIMARY KEY, bytes BYTEA NOT NULL)");
    const bytes = Buffer.from(canonicalize(makeArtifact()));
    const prefix = `raw_${Date.now()}_${connections}`;
    const start = performance.now();
    const until = start + seconds * 1000;
    const counts = await Promise.all(
      clients.map(async (client, c) => {
        let n = 0;
        // Autocommit: each INSERT is its own transaction, so each waits for its WAL flush.
        while (performance.now() < until) {
          await client.query("INSERT INTO bench_raw_inserts (id, bytes) VALUES ($1, $2)", [
            `${prefix}_${c}_${n}`,
            bytes,
          ]);
          n++;
        }
        return n;
      }),
    );
    return counts.reduce((a, n) => a + n, 0) / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** POST /runs with `connections` connections per server, on every server at once: total 201/s and counts. */
async function createLoad(
  servers: ChildServer[],
  connections: number,
  seconds: number,
): Promise<{ perSec: number; ok: number; non2xx: number; errors: number }> {
  const body = JSON.stringify(makeCreateBody());
  const results = await Promise.all(
    servers.map((s) =>
      autocannon({
        url: `${s.url}/api/rmos/runs`,
        method: "POST",
        connections,
        duration: seconds,
        headers: { "content-type": "application/json" },
        body,
      }),
    ),
  );
  const ok = results.reduce((a, r) => a + r["2xx"], 0);
  return {
    perSec: ok / seconds,
    ok,
    non2xx: results.reduce((a, r) => a + r.non2xx, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Milliseconds from spawning `rmos serve` to its listening, and the server. */
async function timedStart(env: Record<string, string>): Promise<{ ms: number; server: ChildServer }> {
  const t0 = performance.now();
  const server = await startChildServer(env);
  return { ms: performance.now() - t0, server };
}

/** `count` starts (each stopped but the last): the median time, every time, and the last server. */
async function medianStart(
  env: Record<string, string>,
  count: number,
): Promise<{ ms: number; all: number[]; server: ChildServer }> {
  const all: number[] = [];
  for (;;) {
    const started = await timedStart(env);
    all.push(started.ms);
    if (all.length === count) {
      const sorted = [...all].sort((a, b) => a - b);
      return { ms: sorted[Math.floor(count / 2)] ?? started.ms, all, server: started.server };
    }
    await started.server.stop();
  }
}

/** p99 and p50 (ms) of `count` sequential GETs of `url`, answered 200. */
async function sequentialLatencies(url: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    latencies.push(performance.now() - s);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  }
  return latencies.sort((a, b) => a - b);
}

const YEAR_START_MS = Date.UTC(2025, 0, 1);
const YEAR_END_MS = Date.UTC(2026, 0, 1);

/**
 * `rows` runs spread evenly over 2025, one server-side INSERT … SELECT generate_series
 * per month partition: the index row (6 modes, 40 tools, 5 % BLOCKED/RED) and, in the
 * same statement, an artifact row in that month's partition. The artifact bytes are a
 * small placeholder JSON, not a valid artifact; the index records their real SHA-256
 * and size. Returns the seconds taken.
 */
async function generateRuns(ownerUrl: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const t0 = performance.now();
  try {
    const spanUs = BigInt(YEAR_END_MS - YEAR_START_MS) * 1000n;
    const startUs = BigInt(YEAR_START_MS) * 1000n;
    const n = BigInt(rows);
    // Row i (0 ≤ i < rows) is at startUs + ⌊i·spanUs/rows⌋ (numeric: i·spanUs overflows bigint
    // from about 300 000 rows); month m holds the i with lo ≤ i < hi.
    const firstRowAt = (us: bigint) => ((us - startUs) * n + spanUs - 1n) / spanUs;
    for (let m = 0; m < 12; m++) {
      const monthStart = BigInt(Date.UTC(2025, m, 1)) * 1000n;
      const monthEnd = BigInt(Date.UTC(2025, m + 1, 1)) * 1000n;
      const lo = firstRowAt(monthStart);
      const hi = firstRowAt(monthEnd);
      if (hi <= lo) continue;
      await client.query("SELECT runs_ensure_artifact_partitions(to_timestamp($1::bigint / 1e6), 0)", [
        monthStart.toString(),
      ]);
      await client.query(
        `WITH g AS (
           SELECT i, $1::bigint + floor(i::numeric * $2::numeric / $3::numeric)::bigint AS us,
                  'run_' || upper(substr(md5(i::text), 1, 26)) AS run_id
             FROM generate_series($4::bigint, $5::bigint) AS i
         ), a AS (
           SELECT g.*, to_timestamp(us / 1e6) AS at,
                  convert_to('{"run_id":"' || run_id || '","synthetic":' || i || '}', 'UTF8') AS bytes
             FROM g
         ), ix AS (
           INSERT INTO runs_index (run_id, created_us, created_at, created_at_utc, schema_version, mode, tool_id,
                                   status, risk_level, feasibility_sha256, sha256, size_bytes)
           SELECT run_id, us, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '2.0.0',
                  (ARRAY['rosette','inlay','pocket','profile','vcarve','drill'])[1 + i % 6], 'tool_' || (i * 7919 % 40),
                  CASE WHEN i % 20 = 0 THEN 'BLOCKED' ELSE 'OK' END,
                  CASE WHEN i % 20 = 0 THEN 'RED' WHEN i % 7 = 0 THEN 'YELLOW' ELSE 'GREEN' END,
                  md5(i::text) || md5((i + 1)::text), encode(sha256(bytes), 'hex'), octet_length(bytes)
             FROM a
         )
         INSERT INTO runs_artifacts (run_id, created_at, bytes) SELECT run_id, at, bytes FROM a`,
        [startUs.toString(), spanUs.toString(), n.toString(), lo.toString(), (hi - 1n).toString()],
      );
    }
    await client.query("ANALYZE runs_index");
    const count = await client.query<{ n: string }>("SELECT count(*) AS n FROM runs_index");
    if (Number(count.rows[0]?.n) !== rows) throw new Error(`generated ${count.rows[0]?.n} runs, not ${rows}`);
  } finally {
    await client.end();
  }
  return (performance.now() - t0) / 1000;
}

/** Writes `count` canonical artifacts into an embedded data directory's partition layout. */
function populateEmbedded(dataDir: string, count: number): void {
  const start = Date.UTC(2025, 0, 1);
  const modes = ["rosette", "inlay", "pocket", "profile", "vcarve", "drill"];
  for (let i = 0; i < count; i++) {
    const a = makeArtifact({ at: start + i * 60_000, overrides: { mode: modes[i % modes.length] as string } });
    const dir = path.join(dataDir, "runs", a.created_at_utc.slice(0, 10));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${a.run_id}.json`), canonicalize(a));
  }
}

/** Runs the PostgreSQL benchmarks on one durable server started for them. */
export async function runPostgresBench(opts: PostgresBenchOptions): Promise<BenchSection[]> {
  fs.mkdirSync(opts.workDir, { recursive: true });
  const server = await startPostgresServer({ durable: true });
  const sections: BenchSection[] = [];
  const started: ChildServer[] = [];
  try {
    say("creates");
    // 1. creates: raw loop, 1 instance, 2 instances — one database, one server.
    const createsUrl = await migratedDatabase(server, "bench_creates", opts.workDir);
    const rawUrl = withDatabase(server.url, "bench_creates");
    const rawBefore = await rawInsertLoop(rawUrl, opts.seconds);
    const env = serveEnv(createsUrl, opts.workDir);
    const emptyStart = await medianStart(env, 3);
    const first = emptyStart.server;
    started.push(first);
    const one = await createLoad([first], 16, opts.seconds);
    const second = await startChildServer(env);
    started.push(second);
    const two = await createLoad([first, second], 16, opts.seconds);
    await second.stop();
    started.pop();
    // The raw loop again, after the services' load: the machine's load varies, so the
    // baseline is the mean of the loop before and after them.
    const rawAfter = await rawInsertLoop(rawUrl, opts.seconds);
    const raw = (rawBefore + rawAfter) / 2;
    const raw16 = await rawInsertLoop(rawUrl, opts.seconds, 16);
    const runId = (
      (await (await fetch(`${first.url}/api/rmos/runs?limit=1`)).json()) as { items: Array<{ run_id: string }> }
    ).items[0]?.run_id;
    const b0 = performance.now();
    const bare = await bareServer();
    const bareStartMs = performance.now() - b0;
    const bareRes = await autocannon({ url: bare.url, connections: 50, duration: opts.seconds });
    await bare.close();
    const getRes = await autocannon({
      url: `${first.url}/api/rmos/runs/${runId}`,
      connections: 50,
      duration: opts.seconds,
    });
    await first.stop();
    started.pop();
    sections.push({
      title: "PostgreSQL: write and read throughput (durable server, fsync on)",
      rows: [
        {
          metric: "POST /runs 201/s, 1 instance (16 connections)",
          value: fmt(one.perSec),
          baseline: `${fmt(raw)} raw INSERT + commit /s (1 connection)`,
          ratio: `${fmt(one.perSec / raw, 2)}×`,
          target: "—",
          pass: true,
        },
        {
          metric: "raw INSERT + commit /s, 16 connections (no service: the database's group-commit ceiling)",
          value: fmt(raw16),
          baseline: `${fmt(raw)} raw INSERT + commit /s (1 connection)`,
          ratio: `${fmt(raw16 / raw, 2)}×`,
          target: "—",
          pass: true,
        },
        {
          metric: "POST /runs 201/s, 2 instances (16 connections each)",
          value: fmt(two.perSec),
          baseline: `${fmt(raw)} raw INSERT + commit /s (1 connection)`,
          ratio: `${fmt(two.perSec / raw, 2)}×`,
          target: "≥ 2×",
          pass: two.perSec / raw >= 2,
        },
        {
          metric: "GET /runs/{id} req/s, 1 instance (50 connections)",
          value: fmt(getRes.requests.average),
          baseline: `${fmt(bareRes.requests.average)} req/s bare node:http fixed JSON`,
          ratio: `${fmt((getRes.requests.average / bareRes.requests.average) * 100)} %`,
          target: "—",
          pass: true,
        },
      ],
      notes: [
        `Target ≥ 2× the raw loop: 2 instances reach ${fmt(two.perSec / raw, 2)}× (${fmt(two.perSec)} vs ${fmt(2 * raw)} /s needed${two.perSec < 2 * raw ? `, ${fmt(2 * raw - two.perSec)} /s short` : ""}).${
          raw16 >= 2 * raw
            ? ` Without the service, 16 raw connections reach ${fmt(raw16 / raw, 2)}× the single loop through group commit: the database could meet the target; the service's CPU per create (HTTP, validation, canonical JSON, SHA-256) on 2 shared cores is the limit.`
            : ` Even without the service, 16 raw connections reach only ${fmt(raw16 / raw, 2)}× the single loop: a commit's WAL flush is cheap on this disk, so group commit has little to gain, and the CPU shared by everything is the ceiling.`
        }`,
        `Raw loop (1 connection): ${fmt(rawBefore)} /s before the services' load, ${fmt(rawAfter)} /s after; the baseline is their mean.`,
        `Creates: 1 instance ${one.ok} × 201 (non-2xx ${one.non2xx}, errors ${one.errors}); 2 instances ${two.ok} × 201 (non-2xx ${two.non2xx}, errors ${two.errors}), each instance loaded by its own autocannon with 16 connections, ${opts.seconds} s each.`,
        "Each create is one statement (index row + artifact bytes) and one commit; concurrent commits share WAL flushes (group commit). The raw loop inserts the same canonical artifact bytes into a plain table (primary key, bytea) on one connection, one commit per row, on the same server and database.",
        "Everything shares 2 cores (and, here, the machine with other work): PostgreSQL, the instances, autocannon (in the bench process) and the bare server. A second instance adds HTTP/JSON/hash capacity only if a core is idle, which caps the 2-instance gain; on a host with a core per instance and the database on its own machine the instances scale out.",
        "GET reads a stored run: write-once, so the instance answers it from its cache of stored runs after the first read; the bare server answers fixed JSON of the same size.",
      ],
    });

    say("list and start-up");
    // 2. at `scale` runs in the database: list p99 and start-up.
    const listUrl = await migratedDatabase(server, "bench_list", opts.workDir);
    const generatedSec = await generateRuns(withDatabase(server.url, "bench_list"), opts.scale);
    const listEnv = serveEnv(listUrl, opts.workDir);
    const warm = await medianStart(listEnv, 3);
    started.push(warm.server);
    const filters = [
      "",
      "?mode=inlay",
      "?status=BLOCKED",
      "?risk_level=YELLOW&mode=rosette",
      "?tool_id=tool_3&limit=200",
      "?created_from=2025-03-01T00:00:00Z&created_to=2025-03-08T00:00:00Z",
      "?mode=pocket&status=OK&risk_level=GREEN",
    ];
    const latencies: number[] = [];
    let cursorPages = 0;
    for (let i = 0; i < 700; i++) {
      const q = filters[i % filters.length];
      const s = performance.now();
      const res = await fetch(`${warm.server.url}/api/rmos/runs${q}`);
      const page = (await res.json()) as { items?: unknown[]; next_cursor?: string | null };
      latencies.push(performance.now() - s);
      if (res.status !== 200 || !page.items?.length) throw new Error(`list ${q} answered ${res.status}, no items`);
      // Every tenth request also follows its cursor one page down.
      if (i % 10 === 0 && page.next_cursor) {
        const sep = q ? "&" : "?";
        const c = performance.now();
        const next = await fetch(
          `${warm.server.url}/api/rmos/runs${q}${sep}cursor=${encodeURIComponent(page.next_cursor)}`,
        );
        await next.arrayBuffer();
        latencies.push(performance.now() - c);
        if (next.status !== 200) throw new Error(`cursor page of ${q} answered ${next.status}`);
        cursorPages++;
      }
    }
    await warm.server.stop();
    started.pop();
    latencies.sort((a, b) => a - b);
    // The machine's own tail: the same number of sequential requests to a bare node:http server.
    const bareList = await bareServer();
    const bareLatencies = await sequentialLatencies(bareList.url, latencies.length);
    await bareList.close();
    const p99 = percentile(latencies, 99);
    sections.push({
      title: `PostgreSQL: at ${fmt(opts.scale)} runs in the database`,
      rows: [
        {
          metric: `filtered list p99 (HTTP, 7 filter shapes, ${latencies.length} requests)`,
          value: `${fmt(p99, 2)} ms`,
          baseline: `bare node:http fixed JSON p99 ${fmt(percentile(bareLatencies, 99), 2)} ms (p50 ${fmt(percentile(bareLatencies, 50), 2)} ms); the list's p50 ${fmt(percentile(latencies, 50), 2)} ms`,
          ratio: `${fmt(p99 / percentile(bareLatencies, 99), 1)}×`,
          target: "< 20 ms",
          pass: p99 < 20,
        },
        {
          metric: "start-up (process spawn to listening, median of 3)",
          value: `${fmt(warm.ms)} ms`,
          baseline: `${fmt(emptyStart.ms)} ms on an empty database; ${fmt(bareStartMs)} ms for a bare node:http process`,
          ratio: `${fmt(warm.ms / emptyStart.ms, 2)}×`,
          target: "< 1 000 ms",
          pass: warm.ms < 1000,
        },
      ],
      notes: [
        `Synthetic runs: ${fmt(opts.scale)} rows generated in ${fmt(generatedSec, 1)} s by one server-side INSERT … SELECT generate_series per month partition of 2025 (index row and artifact row in one statement; 6 modes, 40 tools, 5 % BLOCKED/RED, 1/7 YELLOW). The artifact bytes are a small placeholder JSON, not valid artifacts (their SHA-256 and size in the index are real): the list reads only runs_index, so nothing here reads them back.`,
        `${cursorPages} of the requests are the next page through the cursor. Start-ups at ${fmt(opts.scale)} runs: ${warm.all.map((ms) => fmt(ms)).join(", ")} ms; on the empty database: ${emptyStart.all.map((ms) => fmt(ms)).join(", ")} ms. A start on PostgreSQL reads the migration status and opens a pool; it does not scan runs, so its time does not grow with their number: it is module loading and process start on a loaded machine.`,
      ],
    });

    say("db copy");
    // 3. rmos db copy of an embedded installation.
    const embedded = path.join(opts.workDir, "embedded");
    const p0 = performance.now();
    populateEmbedded(embedded, opts.copyRuns);
    // One start of the embedded service indexes the files (setup, not part of the copy).
    const indexing = await startChildServer({ RMOS_DATA_DIR: embedded, RMOS_RATE_LIMIT_PER_SECOND: "0" });
    await indexing.stop();
    const setupSec = (performance.now() - p0) / 1000;
    const copyUrl = await migratedDatabase(server, "bench_copy", opts.workDir);
    const c0 = performance.now();
    const copied = await rmos(["db", "copy", "--to", copyUrl, "--json", "--quiet"], {
      RMOS_DATA_DIR: embedded,
      RMOS_AUTO_MIGRATE: "false",
    });
    const copySec = (performance.now() - c0) / 1000;
    const report = JSON.parse(copied.stdout || "{}") as {
      ok?: boolean;
      kinds?: { runs?: { total: number; copied: number; failed: unknown[] } };
    };
    const runs = report.kinds?.runs;
    if (copied.code !== 0 || !report.ok || runs?.copied !== opts.copyRuns) {
      throw new Error(`db copy: exit ${copied.code}, runs ${JSON.stringify(runs)}: ${copied.stderr}`);
    }
    const perSec = opts.copyRuns / copySec;
    const for100k = 100_000 / perSec;
    const extrapolated = opts.copyRuns !== 100_000;
    sections.push({
      title: `PostgreSQL: rmos db copy of ${fmt(opts.copyRuns)} embedded runs`,
      rows: [
        {
          metric: `db copy, ${fmt(opts.copyRuns)} runs (child process, verified)`,
          value: `${fmt(copySec, 1)} s (${fmt(perSec)} runs/s)`,
          baseline: `${fmt(raw)} raw INSERT + commit /s (1 connection)`,
          ratio: `${fmt(perSec / raw, 2)}×`,
          target: "—",
          pass: true,
        },
        {
          metric: extrapolated ? "db copy, 100,000 runs — EXTRAPOLATED (linear)" : "db copy, 100,000 runs",
          value: `${fmt(for100k, 1)} s`,
          baseline: `${fmt(100_000 / raw, 1)} s for 100,000 raw INSERT + commit`,
          ratio: `${fmt(for100k / (100_000 / raw), 2)}×`,
          target: "< 120 s",
          pass: for100k < 120,
        },
      ],
      notes: [
        `The embedded installation: ${fmt(opts.copyRuns)} canonical artifacts written into the partition layout and indexed by one start of the embedded service (${fmt(setupSec, 1)} s, setup only). The copy reads each run through the embedded store, writes it through the PostgreSQL store (16 in flight) and reads it back to compare id, bytes and SHA-256; report: ${runs.copied} copied, ${runs.failed.length} failed.`,
        "Per run the copy reads the file and checks its SHA-256, inserts it (one statement, one commit), reads it back and compares the bytes, all in one Node process: it is CPU-bound on this machine, like the creates, not bound by the database's commits.",
        ...(extrapolated
          ? [
              `The 100,000 row is extrapolated linearly from ${fmt(opts.copyRuns)} runs, not measured (run \`npm run bench -- postgres --pg-copy-runs 100000\` to measure it).`,
            ]
          : []),
      ],
    });
  } finally {
    for (const s of started) await s.stop();
    // The server's process is unref'd (it never keeps a test alive): a timer keeps this
    // process waiting for its shutdown.
    const alive = setInterval(() => {}, 1000);
    await server.stop();
    clearInterval(alive);
  }
  return sections;
}
