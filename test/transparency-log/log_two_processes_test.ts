/**
 * Two processes append to one log (one SQLite file) at the same time, each signing
 * checkpoints: the database decides the order — every leaf of both gets a distinct,
 * gap-free index — and every checkpoint either process signed is the root of the
 * one stored tree at its size (the audit checks each one).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { runNodeScriptOk } from "../../src/testing/child_script.js";
import { startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

const kernelUrl = new URL("../../src/testing/test_kernel.js", import.meta.url).href;
const pluginUrl = new URL("../../src/plugins/transparency-log/mod.js", import.meta.url).href;
const portUrl = new URL("../../src/contracts/ports/transparency_log.js", import.meta.url).href;

const WRITER = `
import { startTestKernel } from ${JSON.stringify(kernelUrl)};
import { transparencyLogPlugin } from ${JSON.stringify(pluginUrl)};
import { TRANSPARENCY_LOG } from ${JSON.stringify(portUrl)};
const t = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir: process.env.DATA_DIR,
  env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "15" } });
const log = t.kernel.resolve(TRANSPARENCY_LOG);
for (let b = 0; b < 60; b++) {
  await log.append(Array.from({ length: 9 }, (_, i) => ({ type: "session_event", id: process.env.WHO + "_" + b + "_" + i,
    sha256: (b * 16 + i).toString(16).padStart(64, "0"), created_at_utc: "2026-11-07T00:00:00Z" })));
  if (b % 10 === 0) await new Promise((r) => setTimeout(r, 20));
}
await log.signNow();
await t.close({ keepData: true });
`;

test("two processes appending to one log get distinct, gap-free indexes and consistent checkpoints", async () => {
  const dataDir = tempDir("rmos-log-two-");
  try {
    const first = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir }); // creates the key and schema
    await first.close({ keepData: true });
    await Promise.all(
      ["a", "b"].map((who) => runNodeScriptOk(WRITER, { DATA_DIR: dataDir, WHO: who, LOG_LEVEL: "silent" })),
    );
    const t = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir });
    try {
      const log = t.kernel.resolve(TRANSPARENCY_LOG);
      assert.equal(await log.size(), 2 * 60 * 9);
      const ids = new Set<string>();
      let expected = 0;
      for await (const l of log.leaves()) {
        assert.equal(l.leaf_index, expected++);
        ids.add(l.leaf.id);
      }
      assert.equal(ids.size, 2 * 60 * 9);
      const audit = await log.audit();
      assert.ok(audit.ok, JSON.stringify(audit.problems.slice(0, 3)));
      assert.ok(audit.checkpoints >= 2);
    } finally {
      await t.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
