/**
 * The start-up checkpoint of the embedded store: at start only the partitions whose
 * directory changed since their recorded mtime are compared file by file. A run
 * acknowledged just before a kill -9 is indexed after the restart (its partition had
 * been checkpointed; the create changed its mtime); a file added by hand to an old,
 * checkpointed partition while the service is stopped is found; a file slipped in with
 * the directory's mtime set back (tampering) is not seen by the start-up, but
 * `rmos reindex` finds it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import Sqlite from "better-sqlite3";
import { canonicalize } from "../../src/contracts/jcs.js";
import { makeArtifact, makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { startChildServer } from "../../src/testing/child_server.js";
import { startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

type Json = Record<string, any>;

/** The recorded checkpoints (partition → mtime ns), read from the data directory's index. */
function checkpoints(dataDir: string): Map<string, string> {
  const db = new Sqlite(path.join(dataDir, "rmos.db"), { readonly: true });
  try {
    const rows = db.prepare("SELECT partition, mtime_ns FROM runs_partition_checkpoints").all() as Json[];
    return new Map(rows.map((r) => [r.partition as string, r.mtime_ns as string]));
  } finally {
    db.close();
  }
}

/** Sets a directory's mtime an hour back (past the racy window) and answers it in ns. */
function age(dir: string): string {
  const past = new Date(Date.now() - 3_600_000);
  fs.utimesSync(dir, past, past);
  return fs.statSync(dir, { bigint: true }).mtimeNs.toString();
}

/** Writes a canonical artifact created at `at` into its partition, as the store would. */
function writeArtifact(dataDir: string, at: number): { runId: string; dir: string } {
  const artifact = makeArtifact({ at });
  const dir = path.join(dataDir, "runs", artifact.created_at_utc.slice(0, 10));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${artifact.run_id}.json`), canonicalize(artifact));
  return { runId: artifact.run_id, dir };
}

test("a run acknowledged just before kill -9, in a checkpointed partition, is indexed after the restart", async () => {
  const dataDir = tempDir("rmos-checkpoint-");
  try {
    let server = await startChildServer({ RMOS_DATA_DIR: dataDir });
    const first = (await (
      await fetch(`${server.url}/api/rmos/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeCreateBody()),
      })
    ).json()) as Json;
    assert.equal(await server.stop(), 0);
    const partition = first.created_at_utc.slice(0, 10) as string;
    const dir = path.join(dataDir, "runs", partition);
    const aged = age(dir);
    server = await startChildServer({ RMOS_DATA_DIR: dataDir });
    assert.equal(checkpoints(dataDir).get(partition), aged, "the aged partition is checkpointed at start");

    // Eight writers; SIGKILL on the first 201, with the others' files possibly not yet indexed.
    let acknowledged: { runId: string; bytes: Buffer } | undefined;
    let killed: Promise<void> | undefined;
    const writer = async (w: number) => {
      for (let i = 0; i < 200 && !killed; i++) {
        try {
          const res = await fetch(`${server.url}/api/rmos/runs`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(makeCreateBody({ meta: { w, i } })),
          });
          if (res.status === 201) {
            const bytes = Buffer.from(await res.arrayBuffer());
            if (!killed) {
              killed = server.kill9();
              acknowledged = { runId: JSON.parse(bytes.toString()).run_id, bytes };
            }
          }
        } catch {
          return; // the server died under us: not acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    await killed;
    assert.ok(acknowledged, "one create was acknowledged before the kill");
    assert.notEqual(fs.statSync(dir, { bigint: true }).mtimeNs.toString(), aged, "the create changed the mtime");

    server = await startChildServer({ RMOS_DATA_DIR: dataDir });
    try {
      const res = await fetch(`${server.url}/api/rmos/runs/${acknowledged.runId}`);
      assert.equal(res.status, 200);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(acknowledged.bytes), "byte-identical");
      // Every run file on disk is indexed: the partition was compared file by file.
      const onDisk = fs
        .readdirSync(dir)
        .filter((n) => /^run_[0-9A-Za-z]+\.json$/.test(n))
        .map((n) => n.slice(0, -5))
        .sort();
      const listed = (await (await fetch(`${server.url}/api/rmos/runs?limit=500`)).json()) as Json;
      assert.deepEqual(listed.items.map((s: Json) => s.run_id).sort(), onDisk);
      assert.deepEqual(
        fs.readdirSync(dir).filter((n) => n.startsWith(".tmp-")),
        [],
        "temp files of the killed creates removed",
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a file added to an old, checkpointed partition while stopped is found (its directory's mtime changed)", async () => {
  const dataDir = tempDir("rmos-checkpoint-");
  try {
    const day = Date.UTC(2025, 0, 1, 12);
    const a = writeArtifact(dataDir, day);
    const other = writeArtifact(dataDir, Date.UTC(2025, 0, 2, 12));
    const agedA = age(a.dir);
    age(other.dir);
    let t = await startTestKernel({ dataDir });
    assert.equal((await t.request(`runs/${a.runId}`)).status, 200, "indexed at the first start");
    await t.close({ keepData: true });
    assert.equal(checkpoints(dataDir).get("2025-01-01"), agedA, "checkpointed");

    // While stopped: a new file in the old partition (its mtime changes: found) …
    const b = writeArtifact(dataDir, day + 1000);
    // … and one slipped into the other partition with its mtime set back (tampering: not seen).
    const otherMtime = fs.statSync(other.dir);
    const hidden = writeArtifact(dataDir, Date.UTC(2025, 0, 2, 13));
    fs.utimesSync(other.dir, otherMtime.atime, otherMtime.mtime);

    t = await startTestKernel({ dataDir });
    try {
      assert.equal((await t.request(`runs/${b.runId}`)).status, 200, "the added file is indexed");
      assert.equal((await t.request(`runs/${hidden.runId}`)).status, 404, "an unchanged partition is not rescanned");
    } finally {
      await t.close({ keepData: true });
    }

    const r = await runCli(["reindex", "--json", "--quiet"], { RMOS_DATA_DIR: dataDir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { indexed: 4, corrupt: 0 });
    t = await startTestKernel({ dataDir });
    try {
      assert.equal((await t.request(`runs/${hidden.runId}`)).status, 200, "reindex sees every file");
    } finally {
      await t.close({ keepData: true });
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a partition directory removed while stopped: its rows go, its checkpoint too", async () => {
  const dataDir = tempDir("rmos-checkpoint-");
  try {
    const a = writeArtifact(dataDir, Date.UTC(2025, 0, 1, 12));
    const kept = writeArtifact(dataDir, Date.UTC(2025, 0, 2, 12));
    age(a.dir);
    age(kept.dir);
    let t = await startTestKernel({ dataDir });
    assert.equal((await t.request(`runs/${a.runId}`)).status, 200);
    await t.close({ keepData: true });
    assert.ok(checkpoints(dataDir).has("2025-01-01"));
    fs.rmSync(a.dir, { recursive: true });
    t = await startTestKernel({ dataDir });
    try {
      assert.equal((await t.request(`runs/${a.runId}`)).status, 404, "its row is gone");
      const list = (await (await t.request("runs")).json()) as Json;
      assert.deepEqual(
        list.items.map((s: Json) => s.run_id),
        [kept.runId],
      );
    } finally {
      await t.close({ keepData: true });
    }
    assert.deepEqual([...checkpoints(dataDir).keys()], ["2025-01-02"]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
