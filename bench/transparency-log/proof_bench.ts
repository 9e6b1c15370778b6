/**
 * Benchmark of the transparency log: append N leaves (batches of 1 000, one SQLite
 * transaction each) and measure the inclusion proof p50/p99 at size N — through the
 * port, and through GET /log/proof/inclusion in process — over random indexes, each
 * proof verified once against the signed root so that a fast wrong answer cannot pass.
 * N is the first argument or RMOS_BENCH_LOG_LEAVES (default 20 000: a few seconds);
 * the target is p99 < 5 ms at 1 000 000 leaves. The CPU time per proof is
 * reported beside the wall time: on a shared machine the wall-time p99 mostly measures
 * the waits for a core.
 * Run: npm run build && node dist/bench/transparency-log/proof_bench.js [N]
 */
import { performance } from "node:perf_hooks";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { decodeBase64Strict } from "../../src/contracts/tlog/base64.js";
import { leafHash } from "../../src/contracts/tlog/hashing.js";
import type { LogLeaf } from "../../src/contracts/tlog/leaf.js";
import { verifyInclusion } from "../../src/contracts/tlog/verify_inclusion.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

const N = Number(process.argv[2] ?? process.env.RMOS_BENCH_LOG_LEAVES ?? 20_000);
const SAMPLES = 2000;
const BATCH = 1000;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function main(): Promise<void> {
  if (!Number.isSafeInteger(N) || N < 1) throw new Error(`N must be a positive whole number, not ${N}`);
  const t = await startTestKernel({
    plugins: [transparencyLogPlugin],
    env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "1000" },
  });
  try {
    const log = t.kernel.resolve(TRANSPARENCY_LOG);
    const startAppend = performance.now();
    for (let from = 0; from < N; from += BATCH) {
      const batch: LogLeaf[] = [];
      for (let i = from; i < Math.min(N, from + BATCH); i++) {
        batch.push({
          type: "run",
          id: `run_${i}`,
          sha256: i.toString(16).padStart(64, "0"),
          created_at_utc: "2026-11-01T00:00:00Z",
        });
      }
      await log.append(batch);
    }
    const appendMs = performance.now() - startAppend;
    const checkpoint = await log.signNow();
    const root = decodeBase64Strict(checkpoint.root) as Uint8Array;
    const indexes = Array.from({ length: SAMPLES }, () => Math.floor(Math.random() * N));

    const portTimes: number[] = [];
    const portCpu: number[] = [];
    for (const index of indexes) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await log.inclusionProof(index, N);
      portTimes.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      portCpu.push((c.user + c.system) / 1000);
    }
    const httpTimes: number[] = [];
    for (const index of indexes) {
      const t0 = performance.now();
      const res = await t.request(`log/proof/inclusion?index=${index}&size=${N}`);
      const body = (await res.json()) as { hashes: string[] };
      httpTimes.push(performance.now() - t0);
      if (index === indexes[0]) {
        const leaf = (
          await log
            .leaves({ from: index, to: index + 1 })
            [Symbol.asyncIterator]()
            .next()
        ).value;
        const proof = body.hashes.map((h) => decodeBase64Strict(h) as Uint8Array);
        if (!leaf || !verifyInclusion(index, N, leafHash(leaf.text), proof, root).ok)
          throw new Error("a proof does not verify");
      }
    }
    portTimes.sort((a, b) => a - b);
    portCpu.sort((a, b) => a - b);
    httpTimes.sort((a, b) => a - b);
    const f = (ms: number) => ms.toFixed(3);
    process.stdout.write(
      `${JSON.stringify(
        {
          leaves: N,
          append_leaves_per_s: Math.round(N / (appendMs / 1000)),
          inclusion_proof_port_ms: { p50: f(quantile(portTimes, 0.5)), p99: f(quantile(portTimes, 0.99)) },
          // CPU time of this process per proof: the work itself, without the waits of a shared machine.
          inclusion_proof_port_cpu_ms: { p50: f(quantile(portCpu, 0.5)), p99: f(quantile(portCpu, 0.99)) },
          inclusion_proof_http_ms: { p50: f(quantile(httpTimes, 0.5)), p99: f(quantile(httpTimes, 0.99)) },
          target_p99_ms: 5,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await t.close();
  }
}

await main();
