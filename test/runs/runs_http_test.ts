/**
 * The runs plugin over HTTP beyond the contract kit: layout on disk (invariant 5),
 * idempotency edge cases, verify, corrupt files, and the start-up reconcile that
 * brings the derived index back in line with the authoritative files.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { DATABASE } from "../../src/contracts/ports/database.js";
import { sqliteConnectionOf } from "../../src/kernel/db/sqlite.js";
import { sha256Hex } from "../../src/contracts/hashing.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

type Json = Record<string, any>;

describe("runs over HTTP", () => {
  test("invariant 5 — date-partitioned layout: <data>/runs/YYYY-MM-DD/<run_id>.json holds exactly the answered bytes", async () => {
    const t = await startTestKernel();
    try {
      const res = await t.request("runs", jsonBody(sampleRunRequest()));
      const bytes = Buffer.from(await res.arrayBuffer());
      const run = JSON.parse(bytes.toString()) as Json;
      const file = path.join(t.dataDir, "runs", run.created_at_utc.slice(0, 10), `${run.run_id}.json`);
      assert.ok(fs.readFileSync(file).equals(bytes));
      const leftovers = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(".tmp-"));
      assert.deepEqual(leftovers, [], "no temp file left behind");
    } finally {
      await t.close();
    }
  });

  test("a G-code output gets its sha256 computed; ETag and If-None-Match", async () => {
    const t = await startTestKernel();
    try {
      const body = sampleRunRequest();
      const run = (await (await t.request("runs", jsonBody(body))).json()) as Json;
      assert.equal(run.hashes.gcode_sha256, sha256Hex((body.outputs as Json).gcode_text));
      const first = await t.request(`runs/${run.run_id}`);
      const etag = first.headers.get("etag") as string;
      assert.equal(
        (await t.request(`runs/${run.run_id}`, { headers: { "if-none-match": `W/"x", ${etag}` } })).status,
        304,
      );
      assert.equal((await t.request(`runs/${run.run_id}`, { headers: { "if-none-match": '"other"' } })).status, 200);
      assert.equal((await t.request("runs/run_0123456789ab")).status, 404);
    } finally {
      await t.close();
    }
  });

  test("Idempotency-Key: a malformed key → 400; the same key while in flight → 409", async () => {
    const t = await startTestKernel();
    try {
      const bad = await t.request("runs", jsonBody(sampleRunRequest(), { "idempotency-key": "has space" }));
      assert.equal(bad.status, 400);
      const body = sampleRunRequest();
      const [a, b] = await Promise.all([
        t.request("runs", jsonBody(body, { "idempotency-key": "k-concurrent" })),
        t.request("runs", jsonBody(body, { "idempotency-key": "k-concurrent" })),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.ok(
        JSON.stringify(statuses) === "[201,409]" || JSON.stringify(statuses) === "[200,201]",
        `one creates, the other is told it is in flight or replayed: ${statuses}`,
      );
      const runs = (await (await t.request("runs")).json()) as Json;
      assert.equal(runs.items.length, 1, "exactly one run");
    } finally {
      await t.close();
    }
  });

  test("Idempotency-Key survives a restart, and a reservation left in flight by a dead process is resolved", async () => {
    const dataDir = tempDir();
    const body = sampleRunRequest();
    let t = await startTestKernel({ dataDir });
    const first = (await (await t.request("runs", jsonBody(body, { "idempotency-key": "k-restart" }))).json()) as Json;
    const db = sqliteConnectionOf(t.kernel.resolve(DATABASE));
    // A crashed process reserved this key and wrote nothing; another one wrote its run, then died before marking done.
    db.prepare(
      "INSERT INTO runs_idempotency_keys (idem_key, request_sha256, run_id, state, owner, created_at) VALUES ('k-dead', ?, 'run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0', 'in_flight', 'dead-boot', '2026-01-01T00:00:00Z')",
    ).run((await import("../../src/contracts/hashing.js")).canonicalSha256(body));
    await t.close({ keepData: true });
    t = await startTestKernel({ dataDir });
    try {
      const again = await t.request("runs", jsonBody(body, { "idempotency-key": "k-restart" }));
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as Json).run_id, first.run_id);
      const takeover = await t.request("runs", jsonBody(body, { "idempotency-key": "k-dead" }));
      assert.equal(takeover.status, 201, "the stale reservation is taken over");
      const replay = await t.request("runs", jsonBody(body, { "idempotency-key": "k-dead" }));
      assert.equal(replay.status, 200);
    } finally {
      await t.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("verify reports each check; a damaged file is reported by verify and is a 500 for that run only", async () => {
    const t = await startTestKernel();
    try {
      const good = (await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Json;
      const victim = (await (await t.request("runs", jsonBody(sampleRunRequest({ mode: "inlay" })))).json()) as Json;
      const report = (await (await t.request(`runs/${good.run_id}/verify`)).json()) as Json;
      assert.equal(report.ok, true);
      const names = report.checks.map((c: Json) => c.name);
      for (const n of ["stored_bytes", "schema", "feasibility_sha256", "toolpaths_sha256", "gcode_sha256"])
        assert.ok(names.includes(n), n);

      const file = path.join(t.dataDir, "runs", victim.created_at_utc.slice(0, 10), `${victim.run_id}.json`);
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"inlay"', '"INLAY"'));

      const broken = (await (await t.request(`runs/${victim.run_id}/verify`)).json()) as Json;
      assert.equal(broken.ok, false);
      assert.match(JSON.stringify(broken.checks), /bytes changed since written/);
      // The service still answers for the other runs and for the list.
      assert.equal((await t.request(`runs/${good.run_id}`)).status, 200);
      assert.equal((await t.request("runs")).status, 200);
      const res = await t.request(`runs/${victim.run_id}`, { headers: {} });
      // it may still be cached from creation: a fresh kernel reads the file
      await t.close({ keepData: true });
      const t2 = await startTestKernel({ dataDir: t.dataDir });
      try {
        const fresh = await t2.request(`runs/${victim.run_id}`);
        assert.equal(fresh.status, 500);
        assert.equal(((await fresh.json()) as Json).type, "urn:rmos:problem:stored-artifact-corrupt");
        assert.equal((await t2.request(`runs/${good.run_id}`)).status, 200);
      } finally {
        await t2.close();
        fs.rmSync(t.dataDir, { recursive: true, force: true });
      }
      void res;
    } finally {
      await t.close().catch(() => {});
    }
  });

  test("start-up reconcile: temp files removed, an unindexed file indexed, a corrupt file skipped and listed by nobody", async () => {
    const t = await startTestKernel();
    const run = (await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Json;
    const partition = path.join(t.dataDir, "runs", run.created_at_utc.slice(0, 10));
    const db = sqliteConnectionOf(t.kernel.resolve(DATABASE));
    db.prepare("DELETE FROM runs_index WHERE run_id = ?").run(run.run_id); // as if the process died before indexing
    await t.close({ keepData: true });
    fs.writeFileSync(path.join(partition, `.tmp-run_X.json-1-abc`), '{"partial":');
    fs.writeFileSync(path.join(partition, "run_0123456789ab.json"), '{"run_id":"run_0123456789ab","trunc');
    const t2 = await startTestKernel({ dataDir: t.dataDir });
    try {
      const names = fs.readdirSync(partition);
      assert.ok(!names.some((n) => n.startsWith(".tmp-")), "temp files removed at start");
      assert.equal((await t2.request(`runs/${run.run_id}`)).status, 200, "reindexed from its file");
      const list = (await (await t2.request("runs")).json()) as Json;
      assert.deepEqual(
        list.items.map((s: Json) => s.run_id),
        [run.run_id],
        "the corrupt file is not listed",
      );
      assert.equal((await t2.request("runs/run_0123456789ab")).status, 404);
    } finally {
      await t2.close();
      fs.rmSync(t.dataDir, { recursive: true, force: true });
    }
  });

  test("a __proto__ key anywhere in a free-form object is refused, not silently dropped", async () => {
    const t = await startTestKernel();
    try {
      for (const field of ["feasibility", "request_summary", "meta"]) {
        const raw = JSON.stringify(sampleRunRequest()).replace(`"${field}":{`, `"${field}":{"__proto__":{"x":1},`);
        const res = await t.request("runs", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: raw,
        });
        assert.equal(res.status, 400, field);
        assert.match(JSON.stringify(await res.json()), /__proto__ is not allowed/);
      }
      const nested = JSON.stringify(sampleRunRequest()).replace('"checks":[{', '"checks":[{"__proto__":1,');
      assert.equal(
        (await t.request("runs", { method: "POST", headers: { "content-type": "application/json" }, body: nested }))
          .status,
        400,
      );
      assert.deepEqual(((await (await t.request("runs")).json()) as Json).items, [], "nothing stored");
    } finally {
      await t.close();
    }
  });

  test("list pagination walks every run exactly once, newest first", async () => {
    const t = await startTestKernel();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(((await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Json).run_id);
      const seen: string[] = [];
      let url = "runs?limit=5";
      for (;;) {
        const page = (await (await t.request(url)).json()) as Json;
        seen.push(...page.items.map((s: Json) => s.run_id));
        if (!page.next_cursor) break;
        url = `runs?limit=5&cursor=${page.next_cursor}`;
      }
      assert.deepEqual(seen, [...ids].reverse());
      const filtered = (await (
        await t.request("runs?mode=rosette&status=OK&risk_level=GREEN&tool_id=tool_vbit_60&limit=500")
      ).json()) as Json;
      assert.equal(filtered.items.length, 12);
      const none = (await (await t.request("runs?mode=inlay")).json()) as Json;
      assert.deepEqual(none, { items: [], next_cursor: null });
    } finally {
      await t.close();
    }
  });

  test("the run cache gauges: bytes stay within RMOS_CACHE_BYTES while runs are created and read", async () => {
    const budget = 8 * 1024;
    const t = await startTestKernel({ env: { RMOS_CACHE_BYTES: String(budget) } });
    try {
      const sample = async (name: string) => {
        const text = await (await t.request("/metrics")).text();
        const line = text.split("\n").find((l) => l.startsWith(`${name} `));
        assert.ok(line, `${name} is exported`);
        return Number(line.slice(name.length + 1));
      };
      assert.equal(await sample("rmos_run_cache_bytes"), 0);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await t.request("runs", jsonBody(sampleRunRequest({ meta: { pad: "p".repeat(900), i } })));
        ids.push(((await res.json()) as Json).run_id);
      }
      for (const id of ids) assert.equal((await t.request(`runs/${id}`)).status, 200);
      const held = await sample("rmos_run_cache_bytes");
      const runs = await sample("rmos_run_cache_runs");
      assert.ok(held > 0 && held <= budget, `cache holds ${held} bytes, budget ${budget}`);
      assert.ok(runs > 0 && runs < ids.length, `cache holds ${runs} of ${ids.length} runs`);
    } finally {
      await t.close();
    }
  });
});
