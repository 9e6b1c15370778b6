/**
 * `npm run bench`: runs every benchmark, prints the tables and writes
 * bench/results.md. Not a test: numbers depend on the machine; targets are checked
 * as ratios to baselines measured in the same run. BENCH_QUICK=1 runs a small version.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../src/testing/paths.js";
import { type BenchSection, renderReport } from "./report.js";
import { runRunsBench } from "./runs/runs_bench.js";

process.env.LOG_LEVEL ??= "silent";
const quick = process.env.BENCH_QUICK === "1";
const workDir = fs.mkdtempSync(path.join(REPO_ROOT, "bench", ".work-"));
const sections: BenchSection[] = [];
const only = process.argv.slice(2);
const wants = (name: string) => only.length === 0 || only.includes(name);

type Loader = () => Promise<BenchSection[]>;
const optional = async (name: string, load: Loader) => {
  if (!wants(name)) return;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    sections.push(...(await load()));
  } catch (error) {
    sections.push({ title: `${name}: failed`, rows: [], notes: [String((error as Error).stack ?? error)] });
  }
};

try {
  await optional("runs", () =>
    runRunsBench({ workDir: path.join(workDir, "runs"), storedRuns: quick ? 5_000 : 100_000, seconds: quick ? 2 : 5 }),
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
  await optional("v1-compat", async () => {
    const m = await import("./v1-compat/import_bench.js" as string);
    return [await m.runV1ImportBench({ count: quick ? 5_000 : 100_000, workDir: path.join(workDir, "v1") })];
  });
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const report = renderReport(sections, machine);
process.stdout.write(`${report}\n`);
if (!quick && only.length === 0) fs.writeFileSync(path.join(REPO_ROOT, "bench", "results.md"), report);
