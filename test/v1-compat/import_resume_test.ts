/**
 * An interrupted import resumes to the same end state: `rmos v1 migrate` runs in a
 * child process (this build's CLI), is killed with SIGKILL once some runs are on disk,
 * and is run again to the end. The result is compared file by file with an import of
 * the same store that ran straight through: the same runs (equal except for the import
 * time, which is that of the first start in each), the same blobs, the same records
 * kept aside, the same backup — and no temp file left, and `v1 verify` passes.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, test } from "node:test";
import { canonicalize } from "../../src/contracts/jcs.js";
import { generateStore } from "../../src/plugins/v1-compat/v1_test_support.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import { account, migrate, snapshot } from "./support.js";

/** The CLI of this build (dist/ or a /tmp build alike): <root>/src/cli/main.js. */
const MAIN = new URL("../../src/cli/main.js", import.meta.url).href;
const COUNT = 400;

function runFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, "runs");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((n) => /run_[0-9a-f]{12}\.json$/.test(n))
    .sort();
}

/** Starts `rmos v1 migrate` in a child process; resolves with it and a promise of its exit. */
function startChildImport(from: string, dataDir: string) {
  const args = ["v1", "migrate", "--from", from, "--json", "--concurrency", "2"];
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(MAIN)}); process.exitCode = await m.main(${JSON.stringify(args)});`,
    ],
    { env: { ...process.env, RMOS_DATA_DIR: dataDir, LOG_LEVEL: "silent" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

function withoutImportTime(file: string): string {
  const artifact = JSON.parse(fs.readFileSync(file, "utf8"));
  delete artifact.provenance.imported_at_utc;
  return canonicalize(artifact);
}

const root = tempDir("rmos-v1-resume-");
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("kill -9 halfway through an import, then a re-run: the same end state as an import that ran straight through", {
  timeout: 120_000,
}, async () => {
  const from = path.dirname(generateStore(path.join(root, "v1"), COUNT, 4242));
  const killed = path.join(root, "data-killed");
  const straight = path.join(root, "data-straight");

  const child = startChildImport(from, killed);
  let finished = false;
  void child.exited.then(() => {
    finished = true;
  });
  while (!finished && runFiles(killed).length < 40) await sleep(5);
  assert.equal(finished, false, `the import ended before it could be killed: ${child.stderr()}`);
  child.child.kill("SIGKILL");
  assert.equal((await child.exited).signal, "SIGKILL");
  const atKill = runFiles(killed).length;
  assert.ok(atKill >= 40 && atKill < COUNT - 20, `killed halfway (${atKill} runs on disk)`);

  const resumed = await migrate(from, killed);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.report.total, COUNT);
  assert.ok(resumed.report.already_present >= atKill, "what was written before the kill is already present");
  assert.equal(resumed.report.imported + resumed.report.already_present + resumed.report.failed, COUNT);

  const clean = await migrate(from, straight);
  assert.equal(clean.code, 0);
  assert.equal(resumed.report.imported + resumed.report.already_present, clean.report.imported);
  assert.equal(resumed.report.failed, clean.report.failed);
  assert.equal(resumed.report.flagged, clean.report.flagged);

  // The same runs, equal but for the import time; one import time in each.
  assert.deepEqual(runFiles(killed), runFiles(straight));
  const times = new Set<string>();
  for (const rel of runFiles(killed)) {
    assert.equal(
      withoutImportTime(path.join(killed, "runs", rel)),
      withoutImportTime(path.join(straight, "runs", rel)),
      rel,
    );
    times.add(JSON.parse(fs.readFileSync(path.join(killed, "runs", rel), "utf8")).provenance.imported_at_utc);
  }
  assert.deepEqual([...times], [resumed.report.imported_at_utc], "the resumed import kept the first start's time");
  // The same blobs, kept-aside records and backup; nothing temporary anywhere.
  for (const dir of ["blobs", path.join("v1-import", "rejected"), path.join("v1-import", "backups")]) {
    assert.deepEqual(snapshot(path.join(killed, dir)), snapshot(path.join(straight, dir)), dir);
  }
  const temps = fs
    .readdirSync(killed, { recursive: true })
    .map(String)
    .filter((n) => path.basename(n).startsWith(".tmp-"));
  assert.deepEqual(temps, [], "no temp file left");
  assert.equal((await account("verify", from, killed)).code, 0);
});
