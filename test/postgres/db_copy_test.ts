/**
 * `rmos db copy --to postgres://…` on a real server: an embedded installation (runs with
 * sidecars, blobs, advisory assets with a review and a linked-runs row, sessions with
 * events and their created_by, API tokens one of them revoked) is copied into an empty
 * database migrated by its owner, as the app role; a service on PostgreSQL then answers
 * every run byte-identical, every blob and every session history as the embedded one
 * does, and with RMOS_AUTH=on accepts the copied token and refuses the revoked one. A second copy finds everything present and writes nothing. A copy killed
 * (kill -9) half-way is finished by running it again: every record accounted for, none
 * copied twice. A record the target holds with other bytes is reported failed (exit 1).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { BLOB_STORE } from "../../src/contracts/ports/blob_store.js";
import { ADVISORY_STORE } from "../../src/contracts/ports/advisory_store.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { DATABASE } from "../../src/contracts/ports/database.js";
import { SESSION_STORE } from "../../src/contracts/ports/session_store.js";
import { TOKEN_STORE } from "../../src/contracts/ports/token_store.js";
import { issueToken } from "../../src/kernel/auth/token_issuer.js";
import { LinkedRuns } from "../../src/plugins/advisory/linked_runs.js";
import { withBearer } from "../../src/testing/auth_kernel.js";
import { makeArtifact } from "../../src/contracts/testing/artifacts.js";
import { openPostgresPool } from "../../src/kernel/db/postgres/pool.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { migratedTestDatabaseWithRoles, type RoleTestDatabase } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { startTestKernel, type TestKernel, tempDir } from "../../src/testing/test_kernel.js";
import { makeAsset, makeDecision, makeSession } from "./support.js";

type Doc = Record<string, unknown>;

const RUNS = 60;
const KILLED_RUNS = 400;
const dirs: string[] = [];
const databases: RoleTestDatabase[] = [];
let source: string;
let runIds: string[] = [];
let blobShas: string[] = [];
let sessionIds: string[] = [];
let tokens: { active: string; revoked: string };
let reviewedAsset: string;

/** An embedded installation with every kind of record, in a fresh data directory. */
async function makeInstallation(runs: number): Promise<{
  dir: string;
  runIds: string[];
  blobs: string[];
  sessions: string[];
  tokens: { active: string; revoked: string };
  asset: string;
}> {
  const dir = tempDir("rmos-copy-src-");
  dirs.push(dir);
  const t = await startTestKernel({ dataDir: dir });
  try {
    const store = t.kernel.resolve(RUN_STORE);
    const ids: string[] = [];
    // In batches, so that the embedded store groups the fsyncs.
    for (let start = 0; start < runs; start += 50) {
      const batch = Array.from({ length: Math.min(50, runs - start) }, (_, j) =>
        store.create(makeArtifact({ overrides: { meta: { i: start + j, pad: "p".repeat((start + j) % 100) } } })),
      );
      for (const stored of await Promise.all(batch)) ids.push(stored.artifact.run_id);
    }
    await store.putSidecar(ids[0] as string, "schema_probe.json", Buffer.from('{"probe":1}'));
    await store.putSidecar(ids[1] as string, "note.txt", Buffer.from("a sidecar"));
    const blobs: string[] = [];
    for (const text of ["first blob", "second blob", "x".repeat(600_000)]) {
      const put = await t.kernel.resolve(BLOB_STORE).put(Readable.from([Buffer.from(text)]), { maxBytes: 1 << 20 });
      blobs.push(put.info.sha256);
    }
    const advisories = t.kernel.resolve(ADVISORY_STORE);
    const reviewed = makeAsset();
    await advisories.createAsset(reviewed);
    await advisories.recordDecision(makeDecision(reviewed.asset_id, "approve"));
    await advisories.createAsset(makeAsset({ text: "undecided" }));
    const sessions = t.kernel.resolve(SESSION_STORE);
    const sessionIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await sessions.create({
        ...makeSession(i === 0 ? [ids[2] as string] : []),
        created_by: `token:creator-${i}`,
      });
      sessionIds.push(created.session_id);
      if (i > 0) {
        const at = "2026-03-04T07:00:00.000Z";
        const moved = await sessions.appendEvent(created.session_id, 1, {
          event: "submit_feasibility",
          from_state: "DRAFT",
          to_state: "FEASIBILITY_CHECKED",
          run_id: ids[3],
          note: `session ${i}`,
          at,
          created_by: "oidc:someone-else",
        });
        assert.equal(moved.outcome, "appended");
      }
    }
    await new LinkedRuns(t.kernel.resolve(DATABASE)).record(reviewed.asset_id, ids[0] as string, "token:maker");
    const tokenStore = t.kernel.resolve(TOKEN_STORE);
    const active = await issueToken(tokenStore, { name: "kept", roles: ["auditor"], createdBy: "cli:test" });
    const revoked = await issueToken(tokenStore, { name: "gone", roles: ["auditor"], createdBy: "cli:test" });
    await tokenStore.revoke(revoked.token_id, new Date("2026-03-04T08:00:00.000Z"), "cli:ops");
    return {
      dir,
      runIds: ids,
      blobs,
      sessions: sessionIds,
      tokens: { active: active.token, revoked: revoked.token },
      asset: reviewed.asset_id,
    };
  } finally {
    await t.close({ keepData: true });
  }
}

async function targetDatabase(): Promise<{ db: RoleTestDatabase; url: string }> {
  const db = await migratedTestDatabaseWithRoles();
  databases.push(db);
  return { db, url: withUser(db.url, db.appRole) };
}

async function copy(
  dir: string,
  to: string,
  extra: string[] = [],
): Promise<{ code: number; report: CopyReportJson; stderr: string }> {
  const result = await runCli(["db", "copy", "--to", to, "--json", "--quiet", ...extra], {
    RMOS_DATA_DIR: dir,
    RMOS_AUTO_MIGRATE: "false",
  });
  return { code: result.code, report: JSON.parse(result.stdout || "{}"), stderr: result.stderr };
}

interface CopyReportJson {
  ok: boolean;
  operator: string;
  kinds: Record<
    string,
    { total: number; copied: number; present: number; failed: Array<{ id: string; reason: string }> }
  >;
}

/** The transparency log's signing key of the installation in `dir` (every instance on one database signs with one key). */
function logKeyOf(dir: string): string {
  return path.join(dir, "log", "signing.key");
}

/** Answers of GET `paths` from `t`, as bytes. */
async function bodies(t: TestKernel, paths: string[]): Promise<Buffer[]> {
  return Promise.all(paths.map(async (p) => Buffer.from(await (await t.request(p)).arrayBuffer())));
}

before(async () => {
  const made = await makeInstallation(RUNS);
  source = made.dir;
  runIds = made.runIds;
  blobShas = made.blobs;
  sessionIds = made.sessions;
  tokens = made.tokens;
  reviewedAsset = made.asset;
});

after(async () => {
  for (const db of databases) await db.drop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("rmos db copy --to postgres://…", () => {
  test("copies every record, verified; a PostgreSQL service answers as the embedded one; a second copy writes nothing", async () => {
    const { db, url } = await targetDatabase();
    const first = await copy(source, url, ["--as", "ops-alice"]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.report.operator, "cli:ops-alice", "the report records who ran the copy");
    const expected = { runs: RUNS, sidecars: 2, blobs: 3, advisories: 2, linked_runs: 1, sessions: 3, tokens: 2 };
    for (const [kind, total] of Object.entries(expected)) {
      const k = first.report.kinds[kind];
      assert.deepEqual([k?.total, k?.copied, k?.present, k?.failed], [total, total, 0, []], kind);
    }

    const embedded = await startTestKernel({ dataDir: source });
    // The target's transparency log was signed during the copy with the installation's key:
    // an instance on that database signs with the same one.
    const postgres = await startTestKernel({
      env: { RMOS_DATABASE_URL: url, RMOS_AUTO_MIGRATE: "false", RMOS_LOG_KEY_FILE: logKeyOf(source) },
    });
    try {
      const paths = [
        ...runIds.map((id) => `runs/${id}`),
        ...sessionIds.flatMap((id) => [`workflow-sessions/${id}`, `workflow-sessions/${id}/events`]),
        "runs?limit=500",
      ];
      const [a, b] = await Promise.all([bodies(embedded, paths), bodies(postgres, paths)]);
      for (let i = 0; i < paths.length; i++) {
        assert.ok(a[i]?.equals(b[i] as Buffer), `${paths[i]} answers the same bytes on both backends`);
      }
      for (const sha of blobShas) {
        const [x, y] = await Promise.all(
          [embedded, postgres].map(async (k) =>
            Buffer.concat(await (await k.kernel.resolve(BLOB_STORE).read(sha)).toArray()),
          ),
        );
        assert.ok(x?.equals(y as Buffer), `blob ${sha} has the same bytes on both backends`);
      }
      const creators = await Promise.all(
        sessionIds.map(
          async (id) => ((await (await postgres.request(`workflow-sessions/${id}`)).json()) as Doc).created_by,
        ),
      );
      assert.deepEqual(creators, ["token:creator-0", "token:creator-1", "token:creator-2"]);
      const events = (await (await postgres.request(`workflow-sessions/${sessionIds[1]}/events`)).json()) as {
        items: Doc[];
      };
      assert.deepEqual(
        events.items.map((e) => e.created_by),
        ["oidc:someone-else"],
      );
    } finally {
      await postgres.close();
      await embedded.close({ keepData: true });
    }
    const owner = db.pool({ max: 1 });
    const linked = await owner.query("SELECT advisory_id, run_id, run_created_by FROM advisory_linked_runs");
    assert.deepEqual(linked.rows, [{ advisory_id: reviewedAsset, run_id: runIds[0], run_created_by: "token:maker" }]);
    const digests = await owner.query<{ secret_sha256: string }>("SELECT secret_sha256 FROM auth_tokens");
    assert.equal(digests.rows.length, 2);
    for (const t of [tokens.active, tokens.revoked]) {
      assert.equal(JSON.stringify(digests.rows).includes(t), false, "no secret in the target, only digests");
    }
    const authed = await startTestKernel({
      env: { RMOS_DATABASE_URL: url, RMOS_AUTO_MIGRATE: "false", RMOS_AUTH: "on", RMOS_LOG_KEY_FILE: logKeyOf(source) },
    });
    try {
      const ok = await authed.request("runs?limit=1", withBearer(tokens.active));
      assert.equal(ok.status, 200, "the copied token works on PostgreSQL");
      const gone = await authed.request("runs?limit=1", withBearer(tokens.revoked));
      assert.equal(gone.status, 401, "the revoked token stays revoked");
    } finally {
      await authed.close();
    }

    const second = await copy(source, url);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.report.operator, `cli:${os.userInfo().username}`, "without --as, the OS user");
    for (const [kind, total] of Object.entries(expected)) {
      const k = second.report.kinds[kind];
      assert.deepEqual([k?.total, k?.copied, k?.present], [total, 0, total], `${kind}: nothing copied twice`);
    }
  });

  test("a copy killed with kill -9 is finished by running it again, nothing copied twice", async () => {
    // Enough runs that the copy is still going when the first few have landed.
    const big = await makeInstallation(KILLED_RUNS);
    const { db, url } = await targetDatabase();
    const main = new URL("../../src/cli/main.js", import.meta.url).href;
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.main(["db", "copy", "--to", ${JSON.stringify(url)}, "--quiet"]);`,
      ],
      {
        env: { ...process.env, RMOS_DATA_DIR: big.dir, RMOS_AUTO_MIGRATE: "false", LOG_LEVEL: "silent" },
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const pool = openPostgresPool(db.url, { max: 1 });
    let atKill = 0;
    try {
      for (let i = 0; i < 2000 && child.exitCode === null; i++) {
        const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM runs_index");
        atKill = rows[0]?.n ?? 0;
        if (atKill >= 5) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill("SIGKILL");
      await exited;
      assert.ok(atKill >= 5 && atKill < KILLED_RUNS, `killed half-way (${atKill} of ${KILLED_RUNS} runs copied)`);

      const resumed = await copy(big.dir, url);
      assert.equal(resumed.code, 0, resumed.stderr);
      const runs = resumed.report.kinds.runs;
      assert.equal(runs?.total, KILLED_RUNS);
      assert.deepEqual(runs?.failed, []);
      assert.ok(
        (runs?.present ?? 0) >= atKill,
        `what the killed copy wrote is found, not written again (${JSON.stringify(runs)}, ${atKill})`,
      );
      assert.equal((runs?.copied ?? 0) + (runs?.present ?? 0), KILLED_RUNS, "every run accounted for");
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM runs_index");
      assert.equal(rows[0]?.n, KILLED_RUNS, "each run once in the target");
      for (const kind of ["sidecars", "blobs", "advisories", "linked_runs", "sessions", "tokens"]) {
        const k = resumed.report.kinds[kind];
        assert.deepEqual(k?.failed, [], kind);
        assert.equal((k?.copied ?? 0) + (k?.present ?? 0), k?.total, `${kind} accounted for`);
      }
    } finally {
      await pool.end();
    }
  });

  test("a record the target holds with other bytes is reported failed, and the copy exits 1", async () => {
    const { url } = await targetDatabase();
    const other = await makeInstallation(4);
    const clash = await startTestKernel({
      env: { RMOS_DATABASE_URL: url, RMOS_AUTO_MIGRATE: "false", RMOS_LOG_KEY_FILE: logKeyOf(other.dir) },
    });
    try {
      // The same run id with other content, already in the target.
      const stored = await startTestKernel({ dataDir: other.dir });
      try {
        const original = await stored.kernel.resolve(RUN_STORE).get(other.runIds[0] as string);
        assert.ok(original);
        await clash.kernel
          .resolve(RUN_STORE)
          .create({ ...original.artifact, meta: { replaced: true } } as typeof original.artifact);
      } finally {
        await stored.close({ keepData: true });
      }
    } finally {
      await clash.close();
    }
    const result = await copy(other.dir, url);
    assert.equal(result.code, 1);
    assert.equal(result.report.ok, false);
    assert.deepEqual(result.report.kinds.runs?.failed, [
      { id: other.runIds[0], reason: "the target holds different bytes under this id" },
    ]);
  });

  test("an unusable --as is a usage error (exit 2) before anything is copied", async () => {
    const { db, url } = await targetDatabase();
    const result = await runCli(["db", "copy", "--to", url, "--as", "bad name;drop", "--quiet"], {
      RMOS_DATA_DIR: source,
      RMOS_AUTO_MIGRATE: "false",
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--as/);
    const owner = db.pool({ max: 1 });
    const runs = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM runs_index");
    assert.equal(runs.rows[0]?.n, 0, "nothing copied");
  });
});
