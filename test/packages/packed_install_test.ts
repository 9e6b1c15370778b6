/**
 * The packages install from their packed tarballs alone, the way a consuming service
 * or a compliance team gets them: `npm pack` each built package, install the tarball
 * into an empty project (`--offline`: they have no dependencies to fetch), then
 * - run a consumer script (plain .mjs) against the real service on 127.0.0.1 with
 *   @rmos/client, and type-check a TypeScript consumer against the shipped `.d.ts`;
 * - run the installed `rmos-contract` executable read-only against the same service.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../src/testing/paths.js";
import { startTestServer, type TestKernel, tempDir } from "../../src/testing/test_kernel.js";

const run = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** Packs the built package `name` (packages/<name>) into `dest`; answers the tarball's path. */
async function pack(name: string, dest: string): Promise<string> {
  const dir = path.join(REPO_ROOT, "packages", name);
  assert.ok(fs.existsSync(path.join(dir, "dist")), `packages/${name}/dist is built by \`npm run build\``);
  const { stdout } = await run(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], { cwd: dir });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(info, "npm pack reports the tarball");
  assert.ok(
    !info.files.some((f) => f.path.includes("_test.") || f.path.startsWith("src/")),
    "tests and sources stay out",
  );
  return path.join(dest, info.filename);
}

/** An empty project in `dir` with `tarball` installed from the file alone. */
async function installInto(dir: string, tarball: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run(NPM, ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: dir, timeout: 120_000 });
}

const CONSUMER = `
import { createRmosClient, RmosProblem } from "@rmos/client";
const client = createRmosClient({ baseUrl: process.env.RMOS_URL });
const body = {
  mode: "rosette", tool_id: "tool_packed", status: "OK", request_summary: {},
  feasibility: { depth_mm: 1 }, decision: { risk_level: "GREEN", warnings: [], details: {} },
};
const run = await client.runs.create(body, { idempotencyKey: "packed-1" });
const again = await client.runs.create(body, { idempotencyKey: "packed-1" });
const read = await client.runs.get(run.run_id);
const ids = [];
for await (const s of client.runs.list({ tool_id: "tool_packed", limit: 1 })) ids.push(s.run_id);
const blob = await client.attachments.upload(new TextEncoder().encode("hello"), { mime: "text/plain" });
let problem;
try { await client.runs.get("run_0123456789ab"); } catch (e) { problem = e instanceof RmosProblem ? e.status : String(e); }
console.log(JSON.stringify({ same: again.run_id === run.run_id, read: read.run_id === run.run_id, ids, sha: blob.sha256, problem }));
`;

const TYPED_CONSUMER = `
import { createRmosClient, RmosProblem, type RunArtifact, type RunSummary } from "@rmos/client";
const client = createRmosClient({ baseUrl: "http://127.0.0.1:8080", token: "t", retries: 2 });
export async function newest(): Promise<RunSummary | undefined> {
  for await (const s of client.runs.list({ risk_level: "RED", limit: 10 })) return s;
  return undefined;
}
export async function decision(id: string): Promise<RunArtifact["decision"]["risk_level"] | number> {
  try { return (await client.runs.get(id)).decision.risk_level; } catch (e) { if (e instanceof RmosProblem) return e.status; throw e; }
}
`;

describe("packed packages install alone and work against a live server", () => {
  let t: TestKernel & { server: { url: string } };
  const scratch = tempDir("rmos-packed-");
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("@rmos/client: a consumer script and a type-checked TypeScript consumer", async () => {
    const project = path.join(scratch, "client-consumer");
    await installInto(project, await pack("client", scratch));
    const installed = path.join(project, "node_modules", "@rmos", "client");
    const installedNames = fs.readdirSync(path.join(project, "node_modules")).filter((n) => !n.startsWith("."));
    assert.deepEqual(installedNames, ["@rmos"], "nothing else installed");
    assert.ok(fs.existsSync(path.join(installed, "dist", "index.d.ts")));
    assert.ok(fs.existsSync(path.join(installed, "dist", "schema.d.ts")));

    fs.writeFileSync(path.join(project, "consumer.mjs"), CONSUMER);
    const { stdout } = await run(process.execPath, ["consumer.mjs"], {
      cwd: project,
      env: { PATH: process.env.PATH ?? "", RMOS_URL: t.server.url },
    });
    const result = JSON.parse(stdout) as { same: boolean; read: boolean; ids: string[]; sha: string; problem: number };
    assert.equal(result.same, true, "the same Idempotency-Key answers the same run");
    assert.equal(result.read, true);
    assert.equal(result.ids.length, 1);
    assert.equal(result.sha, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assert.equal(result.problem, 404);

    fs.writeFileSync(path.join(project, "consumer.ts"), TYPED_CONSUMER);
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          types: ["node"],
          typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project }).catch((e: { stdout?: string }) => {
      assert.fail(`the shipped types do not check: ${e.stdout}`);
    });
  });

  test("@rmos/contract: the installed rmos-contract checks the service read-only", async () => {
    const seeded = await t.request("runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        mode: "rosette",
        tool_id: "tool_vbit_60",
        status: "OK",
        request_summary: {},
        feasibility: { depth_mm: 2 },
        decision: { risk_level: "GREEN", warnings: [], details: {} },
      }),
    });
    assert.equal(seeded.status, 201);
    const project = path.join(scratch, "compliance");
    await installInto(project, await pack("contract", scratch));
    const bin = path.join(project, "node_modules", ".bin", "rmos-contract");
    const reportDir = path.join(project, "report");
    const { stdout } = await run(bin, ["--base-url", t.server.url, "--read-only", "--report-dir", reportDir], {
      env: { PATH: process.env.PATH ?? "" },
    });
    assert.match(stdout, /\d+ passed, 0 failed/);
    assert.match(
      fs.readFileSync(path.join(reportDir, "report.md"), "utf8"),
      /\| 2 \| Hashes are true — [^|]+ \| PASS \|/,
    );
  });
});
