/**
 * One log, several instances: two real `rmos serve` processes on one PostgreSQL
 * database (migrated by its owner, the services as the app role, each with its own
 * data directory and the one shared log key), the log on, creates spread across both.
 * The result is one consistent log: every acknowledged run has exactly one leaf, with
 * the SHA-256 of its bytes; the indexes are 0..n-1 without a gap; every checkpoint
 * either instance signed verifies with the log's key and its root is the RFC 9162 root
 * of the stored leaves; consistency proofs between successive checkpoints (served by
 * alternating instances) verify; a receipt from the other instance verifies offline.
 * A kill -9 of one instance during a burst loses no acknowledged leaf, and the
 * survivor covers every leaf with a checkpoint.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { decodeBase64Strict } from "../../src/contracts/tlog/base64.js";
import { parseCheckpoint } from "../../src/contracts/tlog/checkpoint.js";
import { leafHash } from "../../src/contracts/tlog/hashing.js";
import { leafText } from "../../src/contracts/tlog/leaf.js";
import { parseVerifierKey } from "../../src/contracts/tlog/note_keys.js";
import { verifyReceipt } from "../../src/contracts/tlog/receipt.js";
import { openNote } from "../../src/contracts/tlog/signed_note.js";
import { nodeSourceOfLeafHashes, rangeHash } from "../../src/contracts/tlog/tree_hash.js";
import { verifyConsistency } from "../../src/contracts/tlog/verify_consistency.js";
import { writeNewKeyFile } from "../../src/plugins/transparency-log/log_keys.js";
import { type ChildServer, startChildServer } from "../../src/testing/child_server.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { type RolesTestDatabase, testDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { tempDir } from "../../src/testing/test_kernel.js";

const INTERVAL_MS = 200;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let db: RolesTestDatabase;
let owner: pg.Pool;
let dir: string;
let servers: ChildServer[] = [];

const api = (i: number) => `${(servers[i % servers.length] as ChildServer).url}/api/rmos`;

async function create(i: number, meta: Record<string, unknown>): Promise<Response> {
  return fetch(`${api(i)}/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(makeCreateBody({ meta })),
  });
}

interface LeafRow {
  leaf_index: string;
  type: "run";
  id: string;
  sha256: string;
  created_at_utc: string;
}

async function storedLeaves(): Promise<LeafRow[]> {
  return (
    await owner.query<LeafRow>(
      "SELECT leaf_index, type, id, sha256, created_at_utc FROM tlog_leaves ORDER BY tlog_leaves.leaf_index",
    )
  ).rows;
}

/** Waits (bounded) until a signed checkpoint covers `size` leaves. */
async function coveredUpTo(size: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await owner.query<{ n: string }>("SELECT COALESCE(MAX(tree_size), 0) AS n FROM tlog_checkpoints");
    if (Number(rows[0]?.n) >= size) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no checkpoint covered ${size} leaves within 10 s`);
}

/** The log checked whole: gap-free indexes, every checkpoint signed over the stored tree, successive ones consistent. */
async function assertOneConsistentLog(acknowledged: Map<string, Buffer>, live: readonly number[]): Promise<LeafRow[]> {
  const leaves = await storedLeaves();
  assert.deepEqual(
    leaves.map((l) => Number(l.leaf_index)),
    Array.from({ length: leaves.length }, (_, i) => i),
    "indexes 0..n-1 without a gap",
  );
  const byId = new Map<string, LeafRow[]>();
  for (const l of leaves) byId.set(l.id, [...(byId.get(l.id) ?? []), l]);
  for (const [runId, bytes] of acknowledged) {
    const found = byId.get(runId) ?? [];
    assert.equal(found.length, 1, `${runId} has exactly one leaf`);
    assert.equal(found[0]?.sha256, sha256(bytes), `${runId}'s leaf names its bytes`);
  }
  const hashes = leaves.map((l) =>
    leafHash(leafText({ type: l.type, id: l.id, sha256: l.sha256, created_at_utc: l.created_at_utc })),
  );
  const reference = nodeSourceOfLeafHashes(hashes);
  const keyText = await (await fetch(`${api(live[0] as number)}/log/verifier-key`)).text();
  const key = parseVerifierKey(keyText.trim());
  assert.ok(key.ok);
  const { rows } = await owner.query<{ tree_size: string; note: string }>(
    "SELECT tree_size, note FROM tlog_checkpoints ORDER BY tlog_checkpoints.tree_size",
  );
  assert.ok(rows.length >= 2, "checkpoints were signed as the log grew");
  let previous: { size: number; root: Uint8Array } | undefined;
  for (const [n, row] of rows.entries()) {
    const opened = openNote(row.note, [key.verifier]);
    assert.ok(opened.ok, `checkpoint ${row.tree_size} is signed by the log's key`);
    const parsed = parseCheckpoint(opened.text);
    assert.ok(parsed.ok);
    const c = parsed.checkpoint;
    assert.equal(c.size, Number(row.tree_size));
    if (c.size > 0) {
      assert.deepEqual(Buffer.from(c.root), Buffer.from(rangeHash(0, c.size, reference)), `root of ${c.size}`);
    }
    if (previous && previous.size > 0) {
      const res = await fetch(
        `${api(live[n % live.length] as number)}/log/proof/consistency?from=${previous.size}&to=${c.size}`,
      );
      assert.equal(res.status, 200);
      const proof = ((await res.json()) as { hashes: string[] }).hashes.map((h) => decodeBase64Strict(h) as Uint8Array);
      assert.ok(
        verifyConsistency(previous.size, c.size, previous.root, c.root, proof).ok,
        `${previous.size} → ${c.size}`,
      );
    }
    previous = { size: c.size, root: c.root };
  }
  return leaves;
}

before(async () => {
  db = await testDatabaseWithRoles();
  owner = db.pool({ max: 2 });
  dir = tempDir("rmos-pg-log-instances-");
  const migrated = await runCli(["db", "migrate", "--app-role", db.appRole], {
    RMOS_DATABASE_URL: withUser(db.url, db.owner),
    RMOS_DATA_DIR: path.join(dir, "migrate"),
  });
  assert.equal(migrated.code, 0, migrated.stderr);
  const keyFile = path.join(dir, "log.key");
  writeNewKeyFile(keyFile, "instances.example/log");
  servers = await Promise.all(
    [0, 1].map((i) =>
      startChildServer({
        RMOS_DATABASE_URL: withUser(db.url, db.appRole),
        RMOS_AUTO_MIGRATE: "false",
        RMOS_DATA_DIR: path.join(dir, `instance-${i}`),
        RMOS_LOG_KEY_FILE: keyFile,
        RMOS_LOG_CHECKPOINT_INTERVAL_MS: String(INTERVAL_MS),
      }),
    ),
  );
});

after(async () => {
  for (const server of servers) {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  }
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("two rmos serve processes appending to one log on PostgreSQL", () => {
  const acknowledged = new Map<string, Buffer>();

  test("concurrent creates spread across both: one consistent log, receipts verify through either", async () => {
    const writer = async (w: number) => {
      for (let i = 0; i < 15; i++) {
        const res = await create(w, { w, i });
        assert.equal(res.status, 201);
        const bytes = Buffer.from(await res.arrayBuffer());
        acknowledged.set(JSON.parse(bytes.toString()).run_id, bytes);
        if (i === 7) await new Promise((r) => setTimeout(r, INTERVAL_MS)); // let a checkpoint land mid-way
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    assert.equal(acknowledged.size, 120);
    await coveredUpTo(120);
    const leaves = await assertOneConsistentLog(acknowledged, [0, 1]);
    assert.equal(leaves.length, 120);
    const key = (await (await fetch(`${api(1)}/log/verifier-key`)).text()).trim();
    assert.equal(key, (await (await fetch(`${api(0)}/log/verifier-key`)).text()).trim(), "one key");
    for (const [n, runId] of [...acknowledged.keys()].slice(0, 6).entries()) {
      const res = await fetch(`${api(n)}/runs/${runId}/receipt`);
      assert.equal(res.status, 200);
      const verified = verifyReceipt(await res.json(), key);
      assert.ok(verified.ok, verified.ok ? "" : verified.reason);
      assert.equal(verified.leaf.id, runId);
    }
  });

  test("kill -9 of one instance during a burst: no acknowledged leaf is lost, the survivor signs them all", async () => {
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop && i < 2000; i++) {
        let res: Response;
        try {
          res = await create(w, { burst: true, w, i });
        } catch (error) {
          if (w % 2 === 1) return; // the killed instance: never acknowledged
          throw error;
        }
        if (res.status === 201) {
          const bytes = Buffer.from(await res.arrayBuffer());
          acknowledged.set(JSON.parse(bytes.toString()).run_id, bytes);
        } else await res.body?.cancel();
      }
    };
    const before = acknowledged.size;
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    const deadline = Date.now() + 20_000;
    while (acknowledged.size < before + 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await (servers[1] as ChildServer).kill9();
    const afterKill = acknowledged.size;
    while (acknowledged.size < afterKill + 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(writers);
    assert.ok(acknowledged.size >= afterKill + 30, "the survivor kept accepting");
    const total = (await storedLeaves()).length;
    await coveredUpTo(total);
    const leaves = await assertOneConsistentLog(acknowledged, [0]);
    assert.ok(
      leaves.length >= acknowledged.size,
      "a leaf for every acknowledged run (and at most unacknowledged ones)",
    );
    const { rows } = await owner.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM runs_index i LEFT JOIN tlog_leaves l ON l.type = 'run' AND l.id = i.run_id WHERE l.id IS NULL",
    );
    assert.equal(rows[0]?.n, 0, "no run stored without its leaf");
    const { rows: orphans } = await owner.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tlog_leaves l LEFT JOIN runs_index i ON i.run_id = l.id WHERE l.type = 'run' AND i.run_id IS NULL",
    );
    assert.equal(orphans[0]?.n, 0, "no leaf without its run");
  });
});
