/**
 * `npm run bench`: runs every benchmark, prints the tables and writes
 * bench/results.md. Not a test: numbers depend on the machine; targets are checked
 * as ratios to baselines measured in the same run. BENCH_QUICK=1 runs a small version.
 * `npm run bench -- NAME…` runs only those; `--soak [--soak-seconds N] [--soak-rate R]`
 * runs only the soak (bench/soak/); `transparency-log --log-proof-leaves N
 * [--log-verify-records M] [--log-pg-write-seconds S]` adds the log at scale (inclusion
 * proofs at N leaves on both backends, `rmos verify` of M runs with the log on
 * PostgreSQL, POST /runs on PostgreSQL with the log on vs off) to the log's block.
 * `--scale N` sets the stored runs of the runs and postgres benchmarks and the records
 * of the v1 import (the runs store is generated once and cached in bench/.cache/).
 * Each benchmark's results replace its own block of
 * bench/results.md (bench/results_file.ts); the other blocks stay as they were.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../src/testing/paths.js";
import { type BenchSection, renderReport } from "./report.js";
import { mergeResults } from "./results_file.js";
import { runRunsBench } from "./runs/runs_bench.js";

process.env.LOG_LEVEL ??= "silent";
const quick = process.env.BENCH_QUICK === "1";
const workDir = fs.mkdtempSync(path.join(REPO_ROOT, "bench", ".work-"));
/** The sections each benchmark produced, by benchmark name (its block in results.md). */
const sections = new Map<string, BenchSection[]>();
/** Block order in bench/results.md. */
const ORDER = ["runs", "attachments", "diff", "transparency-log", "postgres", "v1-compat", "soak"];
const args = process.argv.slice(2);
/** The value of `--name N` (or `--name=N`), if given. */
const numberArg = (name: string): number | undefined => {
  const at = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const raw = args[at]?.includes("=") ? args[at]?.split("=")[1] : args[at + 1];
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, got ${raw}`);
  return n;
};
const soak = args.includes("--soak");
const only = args.filter(
  (a, i) =>
    !a.startsWith("--") &&
    !/^--(soak-|scale$|pg-copy-runs$|log-proof-leaves$|log-verify-records$|log-pg-write-seconds$)/.test(
      args[i - 1] ?? "",
    ),
);
/** Whether benchmark `name` runs: with `--soak`, none but the soak. */
const wants = (name: string) => !soak && (only.length === 0 || only.includes(name));

type Loader = () => Promise<BenchSection[]>;
const optional = async (name: string, load: Loader) => {
  if (!wants(name)) return;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    sections.set(name, await load());
  } catch (error) {
    sections.set(name, [{ title: `${name}: failed`, rows: [], notes: [String((error as Error).stack ?? error)] }]);
  }
};

try {
  if (soak) {
    const { runSoakBench } = await import("./soak/soak_bench.js");
    process.stderr.write("bench: soak…\n");
    sections.set("soak", [
      await runSoakBench({
        workDir: path.join(workDir, "soak"),
        seconds: numberArg("--soak-seconds") ?? 1200,
        rate: numberArg("--soak-rate") ?? 50,
      }),
    ]);
  }
  await optional("runs", () =>
    runRunsBench({
      workDir: path.join(workDir, "runs"),
      storedRuns: numberArg("--scale") ?? (quick ? 5_000 : 100_000),
      seconds: quick ? 2 : 5,
    }),
  );
  await optional("attachments", async () => {
    const m = await import("./attachments/blob_bench.js" as string);
    return [
      await m.runAttachmentsBench({
        sizeBytes: quick ? 64 * 2 ** 20 : 2 ** 30,
        workDir: path.join(workDir, "attachments"),
      }),
    ];
  });
  await optional("diff", async () => {
    const m = await import("./diff/diff_bench.js" as string);
    return [await m.runDiffBench()];
  });
  await optional("transparency-log", async () => {
    const m = await import("./transparency-log/append_bench.js" as string);
    const parts = [await m.runLogBench({ workDir: path.join(workDir, "log"), seconds: quick ? 2 : 5 })];
    const proofLeaves = numberArg("--log-proof-leaves");
    if (proofLeaves !== undefined) {
      const scale = await import("./transparency-log/log_scale_bench.js" as string);
      fs.mkdirSync(path.join(workDir, "log-scale"), { recursive: true });
      parts.push(
        await scale.runLogScaleBench({
          workDir: path.join(workDir, "log-scale"),
          proofLeaves,
          verifyRecords: numberArg("--log-verify-records") ?? 0,
          writeSeconds: numberArg("--log-pg-write-seconds") ?? 0,
        }),
      );
    }
    return parts;
  });
  await optional("postgres", async () => {
    const m = await import("./postgres/postgres_bench.js" as string);
    const scale = numberArg("--scale") ?? (quick ? 5_000 : 100_000);
    return m.runPostgresBench({
      workDir: path.join(workDir, "postgres"),
      seconds: quick ? 2 : 5,
      scale,
      copyRuns: numberArg("--pg-copy-runs") ?? (quick ? 2_000 : 100_000),
    });
  });
  await optional("v1-compat", async () => {
    const m = await import("./v1-compat/import_bench.js" as string);
    const count = numberArg("--scale") ?? (quick ? 5_000 : 100_000);
    return [await m.runV1ImportBench({ count, workDir: path.join(workDir, "v1") })];
  });
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const blocks = new Map<string, string>();
for (const [name, parts] of sections) blocks.set(name, renderReport(parts, machine));
process.stdout.write(`${[...blocks.values()].join("\n")}\n`);
if (!quick) {
  // Only the blocks of the benchmarks that ran are replaced; the others stay as measured.
  const resultsFile = path.join(REPO_ROOT, "bench", "results.md");
  const previous = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, "utf8") : "";
  fs.writeFileSync(resultsFile, mergeResults(previous, blocks, ORDER));
  process.stderr.write(`bench: wrote ${[...blocks.keys()].join(", ")} into ${path.relative(REPO_ROOT, resultsFile)}\n`);
}
