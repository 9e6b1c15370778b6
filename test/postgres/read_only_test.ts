/**
 * A PostgreSQL database that refuses writes, on a real server: with
 * `default_transaction_read_only` on (as on a standby, or an operator's switch), a
 * POST /runs answers 503 problem+json `database-read-only` with `Retry-After`, nothing is
 * stored, and `/readyz` reports the database not writable; once the database accepts
 * writes again the same kernel answers 201 and is ready. (A full disk — SQLSTATE 53100,
 * 507 — cannot be made for the test server quickly: src/kernel/problems_test.ts checks
 * that mapping on an error carrying the code.)
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type pg from "pg";
import { PROBLEM_MEDIA_TYPE } from "../../src/contracts/http.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { migratedTestDatabase } from "../../src/testing/postgres_schema.js";
import type { TestDatabase } from "../../src/testing/postgres_server.js";
import { sampleRunRequest, startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

// The transparency log signs a checkpoint at start, which a read-only database refuses
// (that start failure is the log's own business): the kernel here loads every other
// plugin, whose routes are what this file checks.
const PLUGINS = ALL_PLUGINS.filter((p) => p.name !== "transparency-log");

let db: TestDatabase;
let owner: pg.Pool;
let t: TestKernel;

before(async () => {
  db = await migratedTestDatabase();
  owner = db.pool({ max: 1 });
  // New connections (the kernel's pool, opened after this) start read-only.
  await owner.query(`ALTER DATABASE "${db.name}" SET default_transaction_read_only = on`);
  t = await startTestKernel({ plugins: PLUGINS, env: { RMOS_DATABASE_URL: db.url, RMOS_AUTO_MIGRATE: "false" } });
});

after(async () => {
  await t?.close();
  await db?.drop();
});

const post = () =>
  t.request("runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(sampleRunRequest()),
  });

async function storedRuns(): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM runs_index");
  return rows[0]?.n ?? -1;
}

async function readiness(): Promise<{ status: number; checks: Array<{ name: string; ok: boolean; detail: string }> }> {
  const res = await t.request("/readyz");
  return { status: res.status, checks: ((await res.json()) as { checks: [] }).checks };
}

test("read-only: 503 database-read-only with Retry-After, nothing stored, /readyz says so; writable again: 201", async () => {
  const refused = await post();
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get("content-type"), PROBLEM_MEDIA_TYPE);
  assert.match(refused.headers.get("retry-after") ?? "", /^[1-9][0-9]*$/);
  const problem = (await refused.json()) as { type: string; status: number; detail: string };
  assert.equal(problem.type, "urn:rmos:problem:database-read-only");
  assert.equal(problem.status, 503);
  assert.equal(await storedRuns(), 0, "nothing was stored");

  const notReady = await readiness();
  assert.equal(notReady.status, 503);
  const writable = notReady.checks.find((c) => c.name === "database-writable");
  assert.equal(writable?.ok, false, JSON.stringify(notReady.checks));
  assert.match(writable?.detail ?? "", /read-only/);

  await owner.query(`ALTER DATABASE "${db.name}" RESET default_transaction_read_only`);
  // The kernel's open connections keep their session default: end them, the pool reconnects.
  await owner.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [db.name],
  );
  let ready = await readiness().catch(() => ({ status: 0, checks: [] }));
  for (let i = 0; i < 50 && ready.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await readiness().catch(() => ({ status: 0, checks: [] }));
  }
  assert.equal(ready.status, 200, JSON.stringify(ready.checks));
  assert.equal(ready.checks.find((c) => c.name === "database-writable")?.ok, true);

  const accepted = await post();
  assert.equal(accepted.status, 201, await accepted.clone().text());
  assert.equal(await storedRuns(), 1, "exactly the accepted run is stored");
});
