/**
 * Several instances, one truth: three real `rmos serve` processes on one PostgreSQL
 * database, set up as production is (`rmos db migrate --app-role` as the owner, the
 * services as the app role with RMOS_AUTO_MIGRATE=false), requests spread across them.
 * One Idempotency-Key raced through every instance creates exactly one run; one
 * session changed from the same version through every instance gets exactly one 200;
 * a cursor listing whose pages come from different instances is the same as one
 * instance's; a kill -9 of one instance during a burst of creates loses no acknowledged
 * run (each readable, byte-identical, through the others). No instance writes a file.
 * Authentication is on (RMOS_AUTH=on): every request carries an API token minted with
 * `rmos tokens create` into the PostgreSQL token store; a token revoked with `rmos
 * tokens revoke` is refused by every instance at its next request, and what a token
 * writes records its principal (created_by) whichever instance serves it, and the
 * four-eyes rule of a review holds across instances (a link made through one instance
 * stops its run's creator reviewing the asset through another).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { type ChildServer, startChildServer } from "../../src/testing/child_server.js";
import { withBearer } from "../../src/testing/auth_kernel.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { type RolesTestDatabase, testDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { tempDir } from "../../src/testing/test_kernel.js";

let db: RolesTestDatabase;
let servers: ChildServer[] = [];
let dataDir: string;
let env: Record<string, string>;
let token: string;

/** `rmos tokens create` as the app role: the token and its id. */
async function createToken(name: string, roles: string): Promise<{ token: string; token_id: string }> {
  const created = await runCli(["tokens", "create", "--name", name, "--role", roles, "--json", "--as", "ops"], env);
  assert.equal(created.code, 0, created.stderr);
  return JSON.parse(created.stdout) as { token: string; token_id: string };
}

/** A request with the suite's token (or `as`). */
function call(url: string, init: RequestInit = {}, as = token): Promise<Response> {
  return fetch(url, withBearer(as, init));
}

/** A JSON POST with the suite's token (or `as`). */
function post(url: string, body: unknown, headers: Record<string, string> = {}, as = token): Promise<Response> {
  return call(
    url,
    { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) },
    as,
  );
}

/** The API base of instance `i` (round robin). */
function api(i: number): string {
  return `${(servers[i % servers.length] as ChildServer).url}/api/rmos`;
}

before(async () => {
  db = await testDatabaseWithRoles();
  const parent = tempDir("rmos-pg-instances-");
  dataDir = path.join(parent, "data");
  const owner = { RMOS_DATABASE_URL: withUser(db.url, db.owner), RMOS_DATA_DIR: dataDir };
  const migrated = await runCli(["db", "migrate", "--app-role", db.appRole], owner);
  assert.equal(migrated.code, 0, migrated.stderr);
  env = {
    RMOS_DATABASE_URL: withUser(db.url, db.appRole),
    RMOS_AUTO_MIGRATE: "false",
    RMOS_DATA_DIR: dataDir,
    RMOS_AUTH: "on",
  };
  const status = await runCli(["db", "status", "--json"], env);
  assert.equal(status.code, 0, `the app role reads the status: ${status.stderr}`);
  assert.deepEqual(JSON.parse(status.stdout).pending, []);
  token = (await createToken("ci", "writer,reviewer")).token;
  servers = await Promise.all([0, 1, 2].map(() => startChildServer(env)));
});

after(async () => {
  for (const server of servers) {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  }
  // Everything is in the database but the transparency log's signing key, which is kept
  // out of it on purpose (whoever can rewrite the database must not be able to re-sign).
  const files = fs.existsSync(dataDir) ? fs.readdirSync(dataDir, { recursive: true }).map(String).sort() : [];
  assert.deepEqual(files, ["log", path.join("log", "signing.key")], "the data directory holds only the log's key");
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  await db?.drop();
});

describe("three rmos serve processes on one PostgreSQL database", () => {
  test("each instance is ready and reports the database", async () => {
    for (const server of servers) {
      const res = await fetch(`${server.url}/readyz`);
      const body = (await res.json()) as { ok: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(
        body.checks.map((c) => [c.name, c.ok]),
        [
          ["database", true],
          ["database-writable", true],
          ["migrations", true],
        ],
      );
      assert.match(body.checks[0]?.detail ?? "", /postgres: reachable/);
    }
  });

  test("one Idempotency-Key raced through every instance creates exactly one run", async () => {
    for (let round = 0; round < 3; round++) {
      const key = `race-${round}-${Date.now()}`;
      const body = makeCreateBody({ meta: { round } });
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, i) => post(`${api(i)}/runs`, body, { "idempotency-key": key })),
      );
      const statuses = answers.map((a) => a.status);
      const texts = await Promise.all(answers.map((a) => a.text()));
      assert.equal(statuses.filter((s) => s === 201).length, 1, `round ${round}: exactly one 201 (${statuses})`);
      assert.ok(
        statuses.every((s) => s === 201 || s === 200 || s === 409),
        `round ${round}: the others replay or are told to retry (${statuses})`,
      );
      const ids = new Set(
        texts.filter((_, i) => statuses[i] === 201 || statuses[i] === 200).map((t) => JSON.parse(t).run_id),
      );
      assert.equal(ids.size, 1, "every success names the one run");
      // After the race, every instance replays the same run for the key.
      const [runId] = [...ids];
      for (let i = 0; i < 3; i++) {
        const again = await post(`${api(i)}/runs`, body, { "idempotency-key": key });
        assert.equal(again.status, 200);
        assert.equal(((await again.json()) as { run_id: string }).run_id, runId);
      }
    }
  });

  test("a session changed from the same version through every instance: exactly one 200", async () => {
    for (let round = 0; round < 3; round++) {
      const created = await post(`${api(round)}/workflow-sessions`, { workflow: `race-${round}` });
      assert.equal(created.status, 201);
      const { session_id: id } = (await created.json()) as { session_id: string };
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          post(
            `${api(i)}/workflow-sessions/${id}/events`,
            { event: i % 2 ? "cancel" : "submit_feasibility" },
            { "if-match": '"1"' },
          ),
        ),
      );
      const statuses = answers.map((a) => a.status);
      for (const a of answers) await a.body?.cancel();
      assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${statuses}`);
      assert.ok(
        statuses.every((s) => s === 200 || s === 412 || s === 409),
        `the rest 412/409: ${statuses}`,
      );
      for (let i = 0; i < 3; i++) {
        const history = (await (await call(`${api(i)}/workflow-sessions/${id}/events`)).json()) as {
          items: unknown[];
        };
        assert.equal(history.items.length, 1, `instance ${i} sees the one event`);
        const session = (await (await call(`${api(i)}/workflow-sessions/${id}`)).json()) as { version: number };
        assert.equal(session.version, 2);
      }
    }
  });

  test("cursor pagination is the same whichever instance serves each page", async () => {
    const tool = `paging-${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      const res = await post(`${api(i)}/runs`, makeCreateBody({ tool_id: tool, meta: { i } }));
      assert.equal(res.status, 201);
      created.push(((await res.json()) as { run_id: string }).run_id);
    }
    const pages = async (pick: (page: number) => number): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const query = `tool_id=${tool}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res = await call(`${api(pick(page))}/runs?${query}`);
        assert.equal(res.status, 200);
        const body = (await res.json()) as { items: Array<{ run_id: string }>; next_cursor: string | null };
        ids.push(...body.items.map((r) => r.run_id));
        cursor = body.next_cursor;
        if (!cursor) break;
      }
      assert.equal(cursor, null, "the listing ended");
      return ids;
    };
    const spread = await pages((page) => page);
    const single = await pages(() => 0);
    assert.deepEqual(spread, single);
    assert.equal(new Set(spread).size, spread.length, "no run twice");
    assert.deepEqual([...spread].sort(), [...created].sort(), "every run once");
  });

  test("a token revoked with rmos tokens revoke is refused by every instance at its next request", async () => {
    const doomed = await createToken("doomed", "writer");
    for (let i = 0; i < 3; i++) {
      const res = await call(`${api(i)}/runs?limit=1`, {}, doomed.token);
      assert.equal(res.status, 200, `instance ${i} accepts the fresh token`);
      await res.body?.cancel();
    }
    const created = await post(`${api(1)}/workflow-sessions`, { workflow: "who" }, {});
    const session = (await created.json()) as { session_id: string; created_by: string };
    assert.equal(session.created_by, "token:ci");
    for (let i = 0; i < 3; i++) {
      const read = (await (await call(`${api(i)}/workflow-sessions/${session.session_id}`)).json()) as {
        created_by: string;
      };
      assert.equal(read.created_by, "token:ci", `instance ${i} reads the creator`);
    }
    const revoked = await runCli(["tokens", "revoke", doomed.token_id, "--as", "ops"], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    for (let i = 0; i < 3; i++) {
      const res = await call(`${api(i)}/runs?limit=1`, {}, doomed.token);
      assert.equal(res.status, 401, `instance ${i} refuses the revoked token at once`);
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      await res.body?.cancel();
    }
    const anonymous = await fetch(`${api(0)}/runs?limit=1`);
    assert.equal(anonymous.status, 401, "authentication is on: no token, no answer");
    await anonymous.body?.cancel();
    const listed = await runCli(["tokens", "list", "--json"], env);
    assert.equal(listed.code, 0, listed.stderr);
    const tokens = (JSON.parse(listed.stdout) as { tokens: Array<{ name: string; revoked_by: string | null }> }).tokens;
    assert.deepEqual(
      tokens.map((t) => [t.name, t.revoked_by]),
      [
        ["ci", null],
        ["doomed", "cli:ops"],
      ],
    );
    assert.equal(listed.stdout.includes(doomed.token), false, "list never shows a secret");
  });

  test("four eyes across instances: the run's creator cannot review an asset linked to it elsewhere", async () => {
    const alice = (await createToken("alice", "writer,reviewer")).token;
    const bob = (await createToken("bob", "writer,reviewer")).token;
    const run = await post(`${api(0)}/runs`, makeCreateBody({ meta: { four: "eyes" } }), {}, alice);
    assert.equal(run.status, 201);
    const { run_id: runId } = (await run.json()) as { run_id: string };
    const asset = await post(
      `${api(1)}/advisories`,
      { asset_type: "EXPLANATION", source: "ai", provider: "test", suggestion_data: { text: `why ${runId}` } },
      {},
      bob,
    );
    assert.equal(asset.status, 201);
    const { asset_id: assetId } = (await asset.json()) as { asset_id: string };
    const link = await post(
      `${api(2)}/runs/${runId}/attach-advisory`,
      { advisory_id: assetId, kind: "explanation" },
      {},
      bob,
    );
    assert.equal(link.status, 201, await link.text());
    const refused = await post(`${api(1)}/advisories/${assetId}/review`, { decision: "approve" }, {}, alice);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { type: string }).type, "urn:rmos:problem:four-eyes");
    const approved = await post(`${api(0)}/advisories/${assetId}/review`, { decision: "approve" });
    assert.equal(approved.status, 201, "another reviewer (token:ci) may");
    await approved.body?.cancel();
  });

  test("kill -9 of one instance during a burst of creates loses no acknowledged run", async () => {
    const acknowledged = new Map<string, Buffer>();
    let stop = false;
    const writer = async (w: number) => {
      const base = api(w);
      for (let i = 0; !stop && i < 2000; i++) {
        try {
          const res = await post(`${base}/runs`, makeCreateBody({ meta: { w, i, pad: "x".repeat(2000) } }));
          if (res.status === 201) {
            const bytes = Buffer.from(await res.arrayBuffer());
            acknowledged.set(JSON.parse(bytes.toString()).run_id, bytes);
          } else await res.body?.cancel();
        } catch {
          if (w % servers.length === 2) return; // the killed instance: never acknowledged
          throw new Error(`instance ${w % servers.length} failed a request while another was killed`);
        }
      }
    };
    const writers = Array.from({ length: 9 }, (_, w) => writer(w));
    const deadline = Date.now() + 20_000;
    while (acknowledged.size < 90 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(acknowledged.size >= 90, `the burst was acknowledged (${acknowledged.size})`);
    await (servers[2] as ChildServer).kill9();
    const afterKill = acknowledged.size;
    while (acknowledged.size < afterKill + 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(writers);
    assert.ok(acknowledged.size >= afterKill + 30, "the surviving instances kept accepting");
    let n = 0;
    for (const [runId, bytes] of acknowledged) {
      const res = await call(`${api(n++ % 2)}/runs/${runId}`);
      assert.equal(res.status, 200, `${runId} readable through a surviving instance`);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes), `${runId} byte-identical`);
    }
  });
});
