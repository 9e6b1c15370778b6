/**
 * Receipts over HTTP and `rmos verify` against the log, on a real data directory:
 * GET /runs/{id}/receipt and GET /advisories/{id}/receipt answer 202 + Retry-After
 * until a signed checkpoint covers the leaf, then a receipt that verifies offline and
 * names the stored bytes' sha256, and 404 for what does not exist; a run's /verify
 * carries the `in_log` check. Then real tampering with the files while the service is
 * down — a byte edited, a file deleted, a file inserted, each alone — and `rmos
 * verify` exits 1 naming the record and what happened to it.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { newId } from "../../src/contracts/ids.js";
import { canonicalize } from "../../src/contracts/jcs.js";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { verifyReceipt } from "../../src/contracts/tlog/receipt.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read response documents loosely; a wrong guess fails the test
type Doc = Record<string, any>;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const INTERVAL = "60000"; // the signer's timer never fires in these tests: checkpoints are signed on demand

/** A data directory with three runs, an asset with its review and link, and a session event; all signed. */
async function seeded(): Promise<{ dataDir: string; runs: Doc[]; asset: Doc }> {
  const dataDir = tempDir("rmos-log-verify-");
  const t = await startTestKernel({ dataDir, env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: INTERVAL } });
  try {
    const runs: Doc[] = [];
    for (let i = 0; i < 3; i++)
      runs.push((await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Doc);
    const asset = (await (
      await t.request(
        "advisories",
        jsonBody({ asset_type: "SUGGESTION", source: "ai", provider: "m@1", suggestion_data: { a: 1 } }),
      )
    ).json()) as Doc;
    await t.request(`advisories/${asset.asset_id}/review`, jsonBody({ decision: "approve", reviewer_id: "ann" }));
    const run0 = runs[0] as Doc;
    await t.request(
      `runs/${run0.run_id}/attach-advisory`,
      jsonBody({ advisory_id: asset.asset_id, kind: "explanation" }),
    );
    const s = (await (await t.request("workflow-sessions", jsonBody({ workflow: "w" }))).json()) as Doc;
    await t.request(`workflow-sessions/${s.session_id}/events`, jsonBody({ event: "cancel" }, { "if-match": '"1"' }));
    await t.kernel.resolve(TRANSPARENCY_LOG).signNow();
    return { dataDir, runs, asset };
  } finally {
    await t.close({ keepData: true });
  }
}

function runPath(dataDir: string, run: Doc): string {
  return path.join(dataDir, "runs", String(run.created_at_utc).slice(0, 10), `${run.run_id}.json`);
}

async function verifyJson(dataDir: string): Promise<{ code: number; report: Doc; stdout: string }> {
  const r = await runCli(["verify", "--json", "--quiet"], { RMOS_DATA_DIR: dataDir });
  const text = await runCli(["verify", "--quiet"], { RMOS_DATA_DIR: dataDir });
  assert.equal(text.code, r.code, "text and JSON agree on the exit code");
  return { code: r.code, report: JSON.parse(r.stdout) as Doc, stdout: text.stdout };
}

describe("receipts over HTTP", () => {
  test("202 + Retry-After until signed, then a receipt that verifies offline; 404 for the unknown", async () => {
    const t = await startTestKernel({ env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: INTERVAL } });
    try {
      const res = await t.request("runs", jsonBody(sampleRunRequest()));
      const bytes = Buffer.from(await res.arrayBuffer());
      const run = JSON.parse(bytes.toString()) as Doc;
      const pending = await t.request(`runs/${run.run_id}/receipt`);
      assert.equal(pending.status, 202);
      assert.equal(pending.headers.get("retry-after"), "60");
      assert.equal(((await pending.json()) as Doc).status, "pending");

      const log = t.kernel.resolve(TRANSPARENCY_LOG);
      await log.signNow();
      const ok = await t.request(`runs/${run.run_id}/receipt`);
      assert.equal(ok.status, 200);
      const receipt = await ok.json();
      const key = (await (await t.request("log/verifier-key")).text()).trim();
      const verified = verifyReceipt(receipt, key);
      assert.ok(verified.ok, verified.ok ? "" : verified.reason);
      assert.deepEqual(verified.leaf, {
        type: "run",
        id: run.run_id,
        sha256: sha256(bytes),
        created_at_utc: run.created_at_utc,
      });

      const report = (await (await t.request(`runs/${run.run_id}/verify`)).json()) as Doc;
      const inLog = report.checks.find((c: Doc) => c.name === "in_log");
      assert.equal(inLog?.ok, true, JSON.stringify(report));

      const asset = (await (
        await t.request(
          "advisories",
          jsonBody({ asset_type: "SUGGESTION", source: "ai", provider: "m@1", suggestion_data: { a: 1 } }),
        )
      ).json()) as Doc;
      assert.equal((await t.request(`advisories/${asset.asset_id}/receipt`)).status, 202);
      await log.signNow();
      const assetReceipt = await (await t.request(`advisories/${asset.asset_id}/receipt`)).json();
      const checked = verifyReceipt(assetReceipt, key);
      assert.ok(checked.ok && checked.leaf.type === "advisory_asset" && checked.leaf.id === asset.asset_id);

      for (const p of [`runs/${newId("run").id}/receipt`, `advisories/${newId("adv").id}/receipt`]) {
        const r = await t.request(p);
        assert.equal(r.status, 404, p);
        assert.equal(r.headers.get("content-type"), "application/problem+json");
      }
      assert.equal((await t.request("runs/nope/receipt")).status, 400);
    } finally {
      await t.close();
    }
  });

  test("without the log plugin a receipt is a 404 naming why", async () => {
    const t = await startTestKernel({ env: { RMOS_PLUGINS: "runs" } });
    try {
      const run = (await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Doc;
      const res = await t.request(`runs/${run.run_id}/receipt`);
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as Doc).detail, /transparency log is not loaded/);
    } finally {
      await t.close();
    }
  });
});

describe("rmos verify against the transparency log (real tampering)", () => {
  test("untouched: exit 0, every record matches its leaf, the log matches its checkpoint", async () => {
    const { dataDir } = await seeded();
    try {
      const { code, report } = await verifyJson(dataDir);
      assert.equal(code, 0, JSON.stringify(report.log));
      assert.equal(report.log.ok, true);
      assert.equal(report.log.records, 7, "3 runs, 1 asset, 1 review, 1 link, 1 session event");
      assert.equal(report.log.leaves, 7);
      assert.equal(report.log.audit.ok, true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a byte of a run edited: exit 1, the run named edited", async () => {
    const { dataDir, runs } = await seeded();
    try {
      const victim = runs[1] as Doc;
      const file = runPath(dataDir, victim);
      fs.chmodSync(file, 0o644);
      const bytes = fs.readFileSync(file);
      bytes[bytes.indexOf("{") + 1] = "\t".charCodeAt(0);
      fs.writeFileSync(file, bytes);
      const { code, report, stdout } = await verifyJson(dataDir);
      assert.equal(code, 1);
      assert.deepEqual(
        report.log.edited.map((e: Doc) => [e.type, e.id, e.record_sha256]),
        [["run", victim.run_id, sha256(bytes)]],
      );
      assert.deepEqual([report.log.inserted, report.log.deleted], [[], []]);
      assert.match(stdout, new RegExp(`edited: run ${victim.run_id}`));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a run file deleted: exit 1, the run named deleted", async () => {
    const { dataDir, runs } = await seeded();
    try {
      const victim = runs[2] as Doc;
      fs.rmSync(runPath(dataDir, victim));
      const { code, report, stdout } = await verifyJson(dataDir);
      assert.equal(code, 1);
      assert.deepEqual(
        report.log.deleted.map((d: Doc) => [d.type, d.id]),
        [["run", victim.run_id]],
      );
      assert.deepEqual([report.log.inserted, report.log.edited], [[], []]);
      assert.match(stdout, new RegExp(`deleted: run ${victim.run_id}`));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a run file inserted: exit 1, the run named inserted (start-up recovery does not log it)", async () => {
    const { dataDir, runs } = await seeded();
    try {
      const model = runs[0] as Doc;
      const forged = { ...model, run_id: newId("run").id };
      const bytes = Buffer.from(canonicalize(forged), "utf8");
      fs.writeFileSync(runPath(dataDir, forged), bytes);
      const { code, report, stdout } = await verifyJson(dataDir);
      assert.equal(code, 1);
      assert.deepEqual(
        report.log.inserted.map((i: Doc) => [i.type, i.id, i.sha256]),
        [["run", forged.run_id, sha256(bytes)]],
      );
      assert.deepEqual([report.log.edited, report.log.deleted], [[], []]);
      assert.match(stdout, new RegExp(`inserted: run ${forged.run_id}`));
      const failed = report.failures.find((f: Doc) => f.run_id === forged.run_id);
      assert.match(failed.failed[0].detail, /not in the transparency log/, "its in_log check fails too");
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("an advisory asset edited and its review deleted: both named", async () => {
    const { dataDir, asset } = await seeded();
    try {
      const dir = path.join(dataDir, "advisories", String(asset.created_at_utc).slice(0, 10));
      const file = path.join(dir, `${asset.asset_id}.json`);
      fs.chmodSync(file, 0o644);
      fs.appendFileSync(file, " ");
      fs.rmSync(path.join(dir, `${asset.asset_id}.review.json`));
      const { code, report } = await verifyJson(dataDir);
      assert.equal(code, 1);
      assert.deepEqual(
        report.log.edited.map((e: Doc) => [e.type, e.id]),
        [["advisory_asset", asset.asset_id]],
      );
      assert.deepEqual(
        report.log.deleted.map((d: Doc) => [d.type, d.id]),
        [["advisory_review", asset.asset_id]],
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
