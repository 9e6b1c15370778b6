/**
 * `rmos-contract`, the compliance kit's command, against the real service on
 * 127.0.0.1: the built executable of packages/contract as a child process (exit
 * status, junit.xml and report.md an auditor can file), `--read-only` creating nothing
 * (a recording proxy proves no POST was sent; the data directory's run files are
 * unchanged), a non-compliant server exiting 1 with the invariant named, and exit 2
 * for an unreachable service or a bad command line.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { CONTRACT_CHECKS, CONTRACT_VERSION, main, makeCreateBody } from "../../packages/contract/src/index.js";
import { REPO_ROOT } from "../../src/testing/paths.js";
import { startTestServer, type TestKernel, tempDir } from "../../src/testing/test_kernel.js";
import { startProxy } from "./broken_proxy.js";

const BIN = path.join(REPO_ROOT, "packages", "contract", "dist", "packages", "contract", "src", "cli.js");

/** Runs the built `rmos-contract` executable; resolves to its exit status and output. */
async function rmosContract(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

describe("rmos-contract", () => {
  let t: TestKernel & { server: { url: string } };
  const scratch = tempDir("rmos-contract-cli-");
  before(async () => {
    assert.ok(fs.existsSync(BIN), `${BIN} is built by \`npm run build\` (the root build builds the packages first)`);
    t = await startTestServer();
    for (let i = 0; i < 3; i++) {
      const res = await t.request("runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeCreateBody()),
      });
      assert.equal(res.status, 201);
    }
  });
  after(async () => {
    await t.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("a compliant service: exit 0, a summary, junit.xml and a report.md line per invariant", async () => {
    const dir = path.join(scratch, "full");
    const r = await rmosContract(["--base-url", t.server.url, "--report-dir", dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\d+ passed, 0 failed, \d+ skipped/);
    assert.match(r.stdout, /^PASS {2}invariant 1 — Required fields$/m);
    const junit = fs.readFileSync(path.join(dir, "junit.xml"), "utf8");
    assert.equal(junit.match(/<testcase /g)?.length, CONTRACT_CHECKS.length);
    assert.match(junit, /<testsuites name="rmos-contract" tests="\d+" failures="0"/);
    assert.match(junit, /<property name="mode" value="full"\/>/);
    const report = fs.readFileSync(path.join(dir, "report.md"), "utf8");
    for (let n = 1; n <= 9; n++) {
      assert.match(report, new RegExp(`^\\| ${n} \\| [^|]+ \\| (PASS|SKIPPED) \\| .+ \\|$`, "m"), `invariant ${n}`);
    }
    assert.match(
      report,
      /\| 2 \| Hashes are true — [^|]+ \| PASS \| .*run_[0-9A-Z]{26}.*feasibility_sha256 [0-9a-f]{12}/,
    );
    assert.match(report, /\| 3 \| Write-once — [^|]+ \| PASS \| .*DELETE \/api\/rmos\/runs\/run_\w+ → 405/);
    assert.match(report, /Result: \*\*PASS/);
  });

  test("--read-only creates nothing: no POST is sent and the run files are unchanged", async () => {
    const proxy = await startProxy(t.server.url);
    try {
      const runFiles = filesUnder(path.join(t.dataDir, "runs"));
      assert.ok(runFiles.length >= 3);
      const dir = path.join(scratch, "read-only");
      const r = await rmosContract(["--base-url", proxy.url, "--read-only", "--report-dir", dir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(
        proxy.seen.filter((s) => s.startsWith("POST")),
        [],
      );
      assert.ok(
        proxy.seen.some((s) => s.startsWith("DELETE /api/rmos/runs/run_")),
        "the refusals are tried",
      );
      assert.deepEqual(filesUnder(path.join(t.dataDir, "runs")), runFiles);
      const report = fs.readFileSync(path.join(dir, "report.md"), "utf8");
      assert.match(report, /Mode: read-only/);
      assert.match(
        report,
        /\| 2 \| Hashes are true — [^|]+ \| PASS \| \d+ hash\(es\) of \d+ existing run\(s\) recomputed/,
      );
      assert.match(report, /\| Idempotency-Key — [^|]+ \| SKIPPED \| read-only: this check creates runs \|/);
    } finally {
      await proxy.close();
    }
  });

  test("a service that accepts DELETE: exit 1, and the reports name invariant 3", async () => {
    const proxy = await startProxy(t.server.url, {
      answer: (method, p) => (method === "DELETE" && p.startsWith("/api/rmos/runs/run_") ? { status: 204 } : undefined),
    });
    try {
      const dir = path.join(scratch, "broken");
      const r = await rmosContract(["--base-url", `${proxy.url}/api/rmos`, "--read-only", "--report-dir", dir]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^FAIL {2}invariant 3 — Write-once: DELETE .* status 204, expected 405/m);
      const report = fs.readFileSync(path.join(dir, "report.md"), "utf8");
      assert.match(report, /\| 3 \| Write-once — [^|]+ \| \*\*FAIL\*\* \| failed: DELETE .*status 204, expected 405/);
      assert.match(report, /Result: \*\*FAIL — 1 check\(s\) failed/);
      const junit = fs.readFileSync(path.join(dir, "junit.xml"), "utf8");
      assert.match(junit, /name="invariant 3 — Write-once" time="[\d.]+">\n {6}<failure message="DELETE/);
    } finally {
      await proxy.close();
    }
  });

  test("exit 2: an unreachable service, a bad command line; --help and --version answer 0", async () => {
    const gone = await startTestServer();
    const deadUrl = gone.server.url;
    await gone.close();
    const r = await rmosContract(["--base-url", deadUrl]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot reach/);
    assert.equal(r.stdout, "");

    const out: string[] = [];
    const err: string[] = [];
    const io = { env: {}, out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    assert.equal(await main([], io), 2);
    assert.match(err.join(""), /--base-url \(or RMOS_BASE_URL\) is required/);
    assert.equal(await main(["--base-url", t.server.url, "--bogus"], io), 2);
    assert.equal(await main(["--base-url", "ftp://x"], io), 2);
    assert.equal(await main(["--help"], io), 0);
    assert.match(out.join(""), /Usage: rmos-contract --base-url URL/);
    assert.equal(await main(["--version"], io), 0);
    assert.ok(out.join("").includes(`${CONTRACT_VERSION}\n`));
    const notRmos = await main(["--base-url", `${t.server.url}/not-here/`], io);
    assert.equal(notRmos, 2, "a URL that is not an RMOS service");
    assert.match(err.join(""), /GET \/healthz answered 404/);
  });

  test("exit 2 when the service refuses the credentials, before any check runs", async () => {
    const guarded = await startProxy(t.server.url, {
      answer: (_m, p) =>
        p.startsWith("/api/") ? { status: 401, headers: { "www-authenticate": "Bearer" }, body: "{}" } : undefined,
    });
    try {
      const err: string[] = [];
      const io = { env: { RMOS_TOKEN: "expired" }, out: () => {}, err: (s: string) => err.push(s) };
      assert.equal(await main(["--base-url", guarded.url], io), 2);
      assert.match(err.join(""), /GET \/api\/rmos\/runs answered 401: give a token/);
      assert.deepEqual(guarded.seen, ["GET /healthz", "GET /api/rmos/runs?limit=1"]);
    } finally {
      await guarded.close();
    }
  });

  test("RMOS_BASE_URL from the environment, in process, with the reports", async () => {
    const out: string[] = [];
    const dir = path.join(scratch, "env");
    const code = await main(["--read-only", "--max-runs", "2", "--report-dir", dir], {
      env: { RMOS_BASE_URL: t.server.url },
      out: (s) => out.push(s),
      err: (s) => out.push(s),
    });
    assert.equal(code, 0, out.join(""));
    assert.ok(fs.existsSync(path.join(dir, "junit.xml")) && fs.existsSync(path.join(dir, "report.md")));
    assert.match(fs.readFileSync(path.join(dir, "report.md"), "utf8"), /2 existing run\(s\) read/);
  });
});
