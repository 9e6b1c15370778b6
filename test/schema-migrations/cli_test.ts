/**
 * Tests of `rmos schemas list-versions|migrate`: the command run with a kernel that has
 * the demo migrations (human and --json output, progress on standard error, dry run,
 * idempotent re-run, exit codes), its usage errors, and its wiring into the real `rmos`
 * entry point.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { UsageError } from "../../src/kernel/plugin_api/args.js";
import { main } from "../../src/cli/main.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { schemasCommand } from "../../src/plugins/schema-migrations/commands.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";
import { currentExample, legacyExample } from "./demo_migrations.js";
import { DEMO_PLUGINS } from "./harness.js";

const LEGACY_ID = "run_01JN00000000000000000000C1";

/** A writable stream that keeps what was written. */
function sink(isTTY = false): NodeJS.WritableStream & { text: string; isTTY: boolean } {
  const chunks: string[] = [];
  return {
    isTTY,
    write(chunk: string | Uint8Array) {
      chunks.push(String(chunk));
      return true;
    },
    get text() {
      return chunks.join("");
    },
  } as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

/** Runs `rmos schemas ...args` against `dataDir` with the demo migrations loaded. */
async function schemas(dataDir: string, ...args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await schemasCommand.run({
    args,
    io: { stdout, stderr },
    boot: async () => (await startTestKernel({ plugins: DEMO_PLUGINS, dataDir })).kernel,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function fileHashes(dataDir: string): string[] {
  const root = path.join(dataDir, "runs");
  return fs
    .readdirSync(root, { recursive: true })
    .map(String)
    .filter((p) => p.endsWith(".json"))
    .sort()
    .map((p) => `${p}:${fs.readFileSync(path.join(root, p)).toString("base64")}`);
}

describe("rmos schemas (with the demo migrations)", () => {
  let dataDir: string;
  before(async () => {
    dataDir = tempDir();
    const t = await startTestKernel({ plugins: DEMO_PLUGINS, dataDir });
    assert.equal((await t.request("runs", jsonBody(sampleRunRequest()))).status, 201);
    await t.kernel.resolve(RUN_STORE).create(legacyExample(LEGACY_ID));
    await t.close();
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test("list-versions prints the current, known and stored versions and the migrations", async () => {
    const { code, stdout } = await schemas(dataDir, "list-versions");
    assert.equal(code, 0);
    assert.match(stdout, /current schema version: 2\.0\.0/);
    assert.match(stdout, /known versions: 0\.9\.0, 2\.0\.0, 2\.1\.0, 2\.2\.0/);
    assert.match(stdout, /0\.9\.0 +1 +\(upcast on read\)/);
    assert.match(stdout, /2\.0\.0 +1\n/);
    assert.match(stdout, /0\.9\.0 → 2\.0\.0 {2}0\.9\.0 → 2\.0\.0: rename tool/);
    const json = JSON.parse((await schemas(dataDir, "list-versions", "--json")).stdout);
    assert.deepEqual(json.distribution, { "0.9.0": 1, "2.0.0": 1 });
  });

  test("migrate --dry-run writes nothing, shows progress and reports", async () => {
    const files = fileHashes(dataDir);
    const { code, stdout, stderr } = await schemas(dataDir, "migrate", "--dry-run");
    assert.equal(code, 0);
    assert.match(
      stdout,
      /dry run: would write 1 record\(s\) in schema 2\.0\.0; 2 run\(s\) looked at, 1 already in 2\.0\.0/,
    );
    assert.match(stderr, /plan migration \[#+\] 100% 2\/2/);
    assert.deepEqual(fileHashes(dataDir), files);
  });

  test("migrate writes the records once; a re-run writes nothing", async () => {
    const files = fileHashes(dataDir);
    const first = await schemas(dataDir, "migrate", "--json", "--quiet");
    assert.equal(first.code, 0);
    assert.equal(first.stderr, "", "--quiet: no progress");
    assert.equal(JSON.parse(first.stdout).migrated, 1);
    const now = fileHashes(dataDir);
    assert.equal(now.length, files.length + 1);
    for (const f of files) assert.ok(now.includes(f), "every earlier file is byte-identical");
    const again = await schemas(dataDir, "migrate");
    assert.equal(again.code, 0);
    assert.match(again.stdout, /wrote 0 record\(s\).*1 already migrated/);
    assert.deepEqual(fileHashes(dataDir), now);
  });

  test("migrate --run and --target-version take one run to another version", async () => {
    const { code, stdout } = await schemas(
      dataDir,
      "migrate",
      "--run",
      LEGACY_ID,
      "--target-version",
      "2.2.0",
      "--json",
    );
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.total, 1);
    assert.equal(report.migrated, 1);
    assert.equal(report.target_version, "2.2.0");
  });

  test("failures are listed with their reasons and exit 1", async () => {
    const dir = tempDir();
    try {
      const t = await startTestKernel({ plugins: DEMO_PLUGINS, dataDir: dir });
      await t.kernel
        .resolve(RUN_STORE)
        .create({ ...currentExample("run_01JN00000000000000000000C2"), schema_version: "2.1.0", labels: [] });
      await t.close();
      const { code, stdout } = await schemas(dir, "migrate");
      assert.equal(code, 1);
      assert.match(
        stdout,
        /FAILED run_01JN00000000000000000000C2: no migration path from schema version 2\.1\.0 to 2\.0\.0/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("usage: --help, no action, unknown action, malformed or unknown version, unknown run", async () => {
    assert.equal((await schemas(dataDir, "--help")).code, 0);
    const bare = await schemas(dataDir);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /Usage: rmos schemas list-versions/);
    await assert.rejects(schemas(dataDir, "upgrade"), UsageError);
    await assert.rejects(schemas(dataDir, "migrate", "--target-version", "../x"), UsageError);
    await assert.rejects(schemas(dataDir, "migrate", "--run", "nope"), UsageError);
    await assert.rejects(schemas(dataDir, "migrate", "--bogus"), UsageError);
    await assert.rejects(schemas(dataDir, "list-versions", "--dry-run"), UsageError);
    const unknown = await schemas(dataDir, "migrate", "--target-version", "9.9.9");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /9\.9\.9 is not a known schema version/);
    const missing = await schemas(dataDir, "migrate", "--run", "run_01JN00000000000000000000ZZ");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /run run_01JN00000000000000000000ZZ does not exist/);
  });
});

test("rmos schemas is wired into the real entry point", async () => {
  const dataDir = tempDir();
  const saved = { dir: process.env.RMOS_DATA_DIR, level: process.env.LOG_LEVEL };
  process.env.RMOS_DATA_DIR = dataDir;
  process.env.LOG_LEVEL = "silent";
  try {
    const stdout = sink();
    const stderr = sink();
    const code = await main(["schemas", "list-versions", "--json"], { stdout, stderr });
    assert.equal(code, 0, stderr.text);
    const report = JSON.parse(stdout.text);
    assert.equal(report.current, "2.0.0");
    assert.deepEqual(report.distribution, {});
  } finally {
    if (saved.dir === undefined) delete process.env.RMOS_DATA_DIR;
    else process.env.RMOS_DATA_DIR = saved.dir;
    if (saved.level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved.level;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
