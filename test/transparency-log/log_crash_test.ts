/**
 * The log's durable step under kill -9: a child process appends batches of leaves
 * (one SQLite transaction each, tiles completed in the same transaction) and prints
 * each batch's indexes once `append` resolved; it is killed with SIGKILL mid-stream,
 * twice. After restart: every acknowledged leaf is at its acknowledged index, every
 * batch is all there or not at all, the audit finds nothing wrong (no leaf without
 * its tiles, no gap), and the signer signs a checkpoint consistent with those
 * signed before the crash.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { test } from "node:test";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { decodeBase64Strict } from "../../src/contracts/tlog/base64.js";
import { verifyConsistency } from "../../src/contracts/tlog/verify_consistency.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

const kernelUrl = new URL("../../src/testing/test_kernel.js", import.meta.url).href;
const pluginUrl = new URL("../../src/plugins/transparency-log/mod.js", import.meta.url).href;
const portUrl = new URL("../../src/contracts/ports/transparency_log.js", import.meta.url).href;

const CHILD = `
import { startTestKernel } from ${JSON.stringify(kernelUrl)};
import { transparencyLogPlugin } from ${JSON.stringify(pluginUrl)};
import { TRANSPARENCY_LOG } from ${JSON.stringify(portUrl)};
const round = Number(process.env.ROUND);
const t = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir: process.env.DATA_DIR,
  env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "20" } });
const log = t.kernel.resolve(TRANSPARENCY_LOG);
for (let b = 0; ; b++) {
  const n = 1 + ((b * 37) % 97);
  const leaves = Array.from({ length: n }, (_, i) => ({ type: "run", id: "r" + round + "_b" + b + "_" + i,
    sha256: (b * 1000 + i).toString(16).padStart(64, "0"), created_at_utc: "2026-11-03T00:00:00Z" }));
  const done = await log.append(leaves);
  process.stdout.write("ack " + b + " " + n + " " + done[0].leaf_index + "\\n");
}
`;

interface Ack {
  readonly round: number;
  readonly batch: number;
  readonly n: number;
  readonly first: number;
}

async function runAndKill(dataDir: string, round: number, acks: Ack[]): Promise<void> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: { ...process.env, DATA_DIR: dataDir, ROUND: String(round), LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  let buffer = "";
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      buffer += d;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const [, batch, n, first] = line.split(" ").map(Number);
        acks.push({ round, batch: batch as number, n: n as number, first: first as number });
        if (++seen === 40) {
          child.kill("SIGKILL");
          resolve();
        }
      }
    });
    child.on("close", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
  await exited;
}

test("kill -9 while appending: acknowledged leaves survive at their index, batches are whole, the tree is intact", async () => {
  const dataDir = tempDir("rmos-log-crash-");
  try {
    const acks: Ack[] = [];
    const before: Array<{ size: number; root: string }> = [];
    for (let round = 0; round < 2; round++) {
      await runAndKill(dataDir, round, acks);
      const t = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir });
      const c = await t.kernel.resolve(TRANSPARENCY_LOG).latestCheckpoint();
      before.push({ size: c.size, root: c.root });
      await t.close({ keepData: true });
    }
    const t = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir });
    try {
      const log = t.kernel.resolve(TRANSPARENCY_LOG);
      for (const ack of acks) {
        for (let i = 0; i < ack.n; i++) {
          assert.equal(
            await log.indexOf("run", `r${ack.round}_b${ack.batch}_${i}`),
            ack.first + i,
            "acknowledged leaf at its index",
          );
        }
      }
      const perBatch = new Map<string, number>();
      for await (const { leaf } of log.leaves()) {
        const key = leaf.id.replace(/_\d+$/, "");
        perBatch.set(key, (perBatch.get(key) ?? 0) + 1);
      }
      for (const [key, count] of perBatch) {
        const b = Number(key.split("_b")[1]);
        assert.equal(count, 1 + ((b * 37) % 97), `batch ${key} is whole`);
      }
      const audit = await log.audit();
      assert.ok(audit.ok, JSON.stringify(audit.problems.slice(0, 3)));
      const now = await log.signNow();
      assert.equal(now.size, await log.size());
      for (const old of before) {
        const proof = await log.consistencyProof(old.size, now.size);
        const ok = verifyConsistency(
          old.size,
          now.size,
          decodeBase64Strict(old.root) as Uint8Array,
          decodeBase64Strict(now.root) as Uint8Array,
          proof,
        );
        assert.ok(ok.ok, ok.ok ? "" : ok.reason);
      }
    } finally {
      await t.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
