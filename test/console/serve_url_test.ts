/**
 * `rmos serve` says where the console is: a line `auditor console: <url>/ui/` on
 * standard error, and `console` in the `--json` start record; the URL answers the runs
 * page. With the console left out of RMOS_PLUGINS neither appears.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { describe, it } from "node:test";
import { tempDir } from "../../src/testing/test_kernel.js";

const MAIN = new URL("../../src/cli/main.js", import.meta.url).href;

async function serve(
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string; stop: () => Promise<void> }> {
  const dataDir = tempDir("rmos-console-serve-");
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(MAIN)}); process.exitCode = await m.main(["serve", "--json"]);`,
    ],
    {
      env: { ...process.env, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", RMOS_DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      if (stdout.includes("\n")) resolve();
    });
    exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  // Standard error is another pipe: give its line a moment (bounded) to arrive.
  for (let i = 0; i < 20 && !stderr.includes("\n") && env.RMOS_PLUGINS === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    stdout,
    stderr,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe("rmos serve and the console URL", () => {
  it("prints the console URL, which answers", async () => {
    const s = await serve({});
    try {
      const record = JSON.parse(s.stdout.trim()) as { url: string; console?: string };
      assert.equal(record.console, `${record.url}/ui/`);
      assert.match(s.stderr, new RegExp(`auditor console: ${record.console.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
      const page = await fetch(record.console);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<h1>Runs<\/h1>/);
    } finally {
      await s.stop();
    }
  });

  it("says nothing of a console that is not loaded", async () => {
    const s = await serve({ RMOS_PLUGINS: "runs" });
    try {
      const record = JSON.parse(s.stdout.trim()) as { url: string; console?: string };
      assert.equal(record.console, undefined);
      assert.ok(!s.stderr.includes("auditor console"));
      assert.equal((await fetch(`${record.url}/ui/`)).status, 404);
    } finally {
      await s.stop();
    }
  });
});
