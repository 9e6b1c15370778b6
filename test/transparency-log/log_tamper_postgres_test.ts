/**
 * `rmos verify` against the transparency log on PostgreSQL, with real tampering: the
 * service (as the app role, every plugin loaded) stores three runs, an advisory asset
 * with its review and link, and a session event, each with its leaf. Then a superuser
 * — the one actor the insert-only triggers cannot stop, once they are disabled
 * (`session_replication_role = replica`) — rewrites an artifact row together with its
 * index hash, deletes a run, slips a forged run in, and edits a leaf: each is named by
 * `rmos verify`, which exits 1. The app role itself cannot change a leaf (permission
 * denied), and the owner with the triggers on is refused by them; an instance with
 * another signing key refuses to start on the log and signs nothing.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { newId } from "../../src/contracts/ids.js";
import { canonicalize } from "../../src/contracts/jcs.js";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { writeNewKeyFile } from "../../src/plugins/transparency-log/log_keys.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { migratedTestDatabaseWithRoles, type RoleTestDatabase } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read response documents loosely; a wrong guess fails the test
type Doc = Record<string, any>;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let db: RoleTestDatabase;
let superuser: pg.Pool;
let dir: string;
let env: Record<string, string>;
let runs: Doc[];
let asset: Doc;

async function verifyJson(): Promise<{ code: number; report: Doc; stdout: string }> {
  const r = await runCli(["verify", "--json", "--quiet"], env);
  const text = await runCli(["verify", "--quiet"], env);
  assert.equal(text.code, r.code, "text and JSON agree on the exit code");
  return { code: r.code, report: JSON.parse(r.stdout) as Doc, stdout: text.stdout };
}

/** Runs `sql` as the superuser with every trigger off (replica mode), as an attacker with full access would. */
async function behindTheServicesBack(sql: string, params: unknown[] = []): Promise<void> {
  const client = await superuser.connect();
  try {
    await client.query("SET session_replication_role = replica");
    await client.query(sql, params);
  } finally {
    await client.query("RESET session_replication_role");
    client.release();
  }
}

before(async () => {
  db = await migratedTestDatabaseWithRoles();
  superuser = db.pool({ max: 2 });
  dir = tempDir("rmos-pg-log-tamper-");
  const keyFile = path.join(dir, "log.key");
  writeNewKeyFile(keyFile, "tamper.example/log");
  env = {
    RMOS_DATABASE_URL: withUser(db.url, db.appRole),
    RMOS_AUTO_MIGRATE: "false",
    RMOS_DATA_DIR: path.join(dir, "data"),
    RMOS_LOG_KEY_FILE: keyFile,
    RMOS_LOG_CHECKPOINT_INTERVAL_MS: "60000",
  };
  const t = await startTestKernel({ env });
  try {
    runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push((await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Doc);
    }
    asset = (await (
      await t.request(
        "advisories",
        jsonBody({ asset_type: "SUGGESTION", source: "ai", provider: "m@1", suggestion_data: { a: 1 } }),
      )
    ).json()) as Doc;
    await t.request(`advisories/${asset.asset_id}/review`, jsonBody({ decision: "approve", reviewer_id: "ann" }));
    const linked = await t.request(
      `runs/${(runs[0] as Doc).run_id}/attach-advisory`,
      jsonBody({ advisory_id: asset.asset_id, kind: "explanation" }),
    );
    assert.equal(linked.status, 201, await linked.text());
    const s = (await (await t.request("workflow-sessions", jsonBody({ workflow: "w" }))).json()) as Doc;
    const moved = await t.request(
      `workflow-sessions/${s.session_id}/events`,
      jsonBody({ event: "cancel" }, { "if-match": '"1"' }),
    );
    assert.equal(moved.status, 200, await moved.text());
    await t.kernel.resolve(TRANSPARENCY_LOG).signNow();
  } finally {
    await t.close({ keepData: true });
  }
});

after(async () => {
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("rmos verify against the transparency log on PostgreSQL (real tampering)", () => {
  test("untouched: exit 0, every record matches its leaf, the log matches its checkpoints", async () => {
    const { code, report } = await verifyJson();
    assert.equal(code, 0, JSON.stringify(report.log));
    assert.equal(report.log.records, 7, "3 runs, 1 asset, 1 review, 1 link, 1 session event");
    assert.equal(report.log.leaves, 7);
    assert.equal(report.log.audit.ok, true);
  });

  test("an instance with another key refuses to start on this log, naming RMOS_LOG_KEY_FILE", async () => {
    const otherKey = path.join(dir, "other.key");
    writeNewKeyFile(otherKey, "tamper.example/log");
    await assert.rejects(
      startTestKernel({ env: { ...env, RMOS_LOG_KEY_FILE: otherKey } }),
      /signed by another key[\s\S]*RMOS_LOG_KEY_FILE/,
    );
    const { rows } = await superuser.query<{ n: number }>("SELECT count(*)::int AS n FROM tlog_checkpoints");
    const before = rows[0]?.n;
    const again = await runCli(["verify", "--json", "--quiet"], { ...env, RMOS_LOG_KEY_FILE: otherKey });
    assert.notEqual(again.code, 0, "rmos verify with another key does not pass");
    const after = await superuser.query<{ n: number }>("SELECT count(*)::int AS n FROM tlog_checkpoints");
    assert.equal(after.rows[0]?.n, before, "nothing was signed with the other key");
  });

  test("the app role cannot change a leaf, and the owner is refused by the trigger", async () => {
    const app = db.pool({ user: db.appRole, max: 1 });
    await assert.rejects(app.query("UPDATE tlog_leaves SET sha256 = sha256"), /permission denied/);
    await assert.rejects(app.query("DELETE FROM tlog_checkpoints"), /permission denied/);
    const owner = db.pool({ user: db.owner, max: 1 });
    await assert.rejects(owner.query("UPDATE tlog_leaves SET sha256 = sha256"), /insert-only/);
    await assert.rejects(owner.query("DELETE FROM tlog_tiles"), /insert-only/);
    await assert.rejects(owner.query("TRUNCATE tlog_checkpoints"), /insert-only/);
  });

  test("an artifact row and its index hash rewritten by a superuser: exit 1, the run named edited", async () => {
    const victim = runs[1] as Doc;
    const { rows } = await superuser.query<{ bytes: Buffer }>("SELECT bytes FROM runs_artifacts WHERE run_id = $1", [
      victim.run_id,
    ]);
    const bytes = Buffer.from((rows[0] as { bytes: Buffer }).bytes);
    bytes[bytes.indexOf("{") + 1] = "\t".charCodeAt(0);
    await behindTheServicesBack("UPDATE runs_artifacts SET bytes = $2 WHERE run_id = $1", [victim.run_id, bytes]);
    await behindTheServicesBack("UPDATE runs_index SET sha256 = $2 WHERE run_id = $1", [victim.run_id, sha256(bytes)]);
    const { code, report, stdout } = await verifyJson();
    assert.equal(code, 1);
    assert.deepEqual(
      report.log.edited.map((e: Doc) => [e.type, e.id, e.record_sha256]),
      [["run", victim.run_id, sha256(bytes)]],
    );
    assert.deepEqual([report.log.inserted, report.log.deleted], [[], []]);
    assert.match(stdout, new RegExp(`edited: run ${victim.run_id}`));
  });

  test("a run deleted and a forged run inserted by a superuser: both named", async () => {
    const gone = runs[2] as Doc;
    await behindTheServicesBack("DELETE FROM runs_artifacts WHERE run_id = $1", [gone.run_id]);
    await behindTheServicesBack("DELETE FROM runs_index WHERE run_id = $1", [gone.run_id]);
    const model = runs[0] as Doc;
    const forged = { ...model, run_id: newId("run").id };
    const bytes = Buffer.from(canonicalize(forged), "utf8");
    await behindTheServicesBack(
      `INSERT INTO runs_index (run_id, created_us, created_at, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256, sha256, size_bytes)
        SELECT $1, created_us, created_at, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256, $2, $3
          FROM runs_index WHERE run_id = $4`,
      [forged.run_id, sha256(bytes), bytes.length, model.run_id],
    );
    await behindTheServicesBack(
      "INSERT INTO runs_artifacts (run_id, created_at, bytes) SELECT $1, created_at, $2 FROM runs_index WHERE run_id = $1",
      [forged.run_id, bytes],
    );
    const { code, report, stdout } = await verifyJson();
    assert.equal(code, 1);
    assert.deepEqual(
      report.log.deleted.map((d: Doc) => [d.type, d.id]),
      [["run", gone.run_id]],
    );
    assert.deepEqual(
      report.log.inserted.map((i: Doc) => [i.type, i.id, i.sha256]),
      [["run", forged.run_id, sha256(bytes)]],
    );
    assert.match(stdout, new RegExp(`deleted: run ${gone.run_id}`));
    assert.match(stdout, new RegExp(`inserted: run ${forged.run_id}`));
  });

  test("an advisory asset row rewritten and a leaf edited to match a rewrite: both named", async () => {
    await behindTheServicesBack("UPDATE advisory_assets SET record = record || ' '::bytea WHERE asset_id = $1", [
      asset.asset_id,
    ]);
    // Rewriting the leaf too (to hide the edit of run 0) breaks the log against its signed checkpoint.
    const run0 = runs[0] as Doc;
    await behindTheServicesBack("UPDATE tlog_leaves SET sha256 = $2 WHERE type = 'run' AND id = $1", [
      run0.run_id,
      "0".repeat(64),
    ]);
    const { code, report } = await verifyJson();
    assert.equal(code, 1);
    assert.ok(
      report.log.edited.some((e: Doc) => e.type === "advisory_asset" && e.id === asset.asset_id),
      JSON.stringify(report.log.edited),
    );
    assert.equal(report.log.audit.ok, false);
    assert.ok(
      report.log.audit.problems.some((p: Doc) => p.kind === "leaf_edited"),
      JSON.stringify(report.log.audit.problems),
    );
  });
});
