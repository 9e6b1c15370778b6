/**
 * The transparency-log plugin over real HTTP on 127.0.0.1 and a real SQLite file:
 * appends through the port are idempotent on (type, id) and refuse a conflicting
 * sha256; a checkpoint is signed within the interval; the checkpoint, verifier key,
 * tiles (full and partial, hash and entry bundles), proofs and receipts are served
 * as C2SP/RFC 9162 say and verify with the contracts code; a receipt is 202 with
 * Retry-After until covered; bad input is problem+json; the log's tables refuse
 * UPDATE and DELETE; a rewritten leaf makes the signer refuse to sign.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  LeafConflictError,
  TRANSPARENCY_LOG,
  type TransparencyLog,
} from "../../src/contracts/ports/transparency_log.js";
import { DATABASE } from "../../src/contracts/ports/database.js";
import { sqliteConnectionOf } from "../../src/kernel/plugin_api/storage.js";
import { decodeBase64Strict } from "../../src/contracts/tlog/base64.js";
import { parseCheckpoint } from "../../src/contracts/tlog/checkpoint.js";
import { decodeEntryBundle } from "../../src/contracts/tlog/entry_bundle.js";
import { leafHash, nodeHash } from "../../src/contracts/tlog/hashing.js";
import type { LogLeaf } from "../../src/contracts/tlog/leaf.js";
import { parseVerifierKey } from "../../src/contracts/tlog/note_keys.js";
import { verifyReceipt } from "../../src/contracts/tlog/receipt.js";
import { openNote } from "../../src/contracts/tlog/signed_note.js";
import { nodeSourceOfLeafHashes, rangeHash } from "../../src/contracts/tlog/tree_hash.js";
import { verifyConsistency } from "../../src/contracts/tlog/verify_consistency.js";
import { verifyInclusion } from "../../src/contracts/tlog/verify_inclusion.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestServer, type TestKernel } from "../../src/testing/test_kernel.js";

const INTERVAL = 100;
const leafOf = (i: number, type: LogLeaf["type"] = "run"): LogLeaf => ({
  type,
  id: `rec_${String(i).padStart(6, "0")}`,
  sha256: i.toString(16).padStart(64, "0"),
  created_at_utc: "2026-11-01T00:00:00.000Z",
});

let t: TestKernel & { baseUrl: string };
let log: TransparencyLog;
const get = (path: string) => fetch(`${t.baseUrl}/log/${path}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkpointNow() {
  const text = await (await get("checkpoint")).text();
  const key = parseVerifierKey((await (await get("verifier-key")).text()).trim());
  assert.ok(key.ok);
  const opened = openNote(text, [key.verifier]);
  assert.ok(opened.ok, opened.ok ? "" : opened.reason);
  const parsed = parseCheckpoint(opened.text);
  assert.ok(parsed.ok);
  return parsed.checkpoint;
}

async function waitForSize(size: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const c = await checkpointNow();
    if (c.size >= size) return c;
    if (Date.now() > deadline) throw new Error(`no checkpoint of size ${size}`);
    await sleep(20);
  }
}

before(async () => {
  t = await startTestServer({
    plugins: [transparencyLogPlugin],
    env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: String(INTERVAL), RMOS_LOG_ORIGIN: "test.rmos/log" },
  });
  log = t.kernel.resolve(TRANSPARENCY_LOG);
});
after(() => t.close());

describe("transparency log over HTTP", () => {
  test("the empty tree is signed at first start; the verifier key names the origin", async () => {
    const c = await checkpointNow();
    assert.equal(c.origin, "test.rmos/log");
    assert.equal(c.size, 0);
    assert.match(log.verifierKey, /^test\.rmos\/log\+[0-9a-f]{8}\+/);
    const res = await get("checkpoint");
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  });

  test("appends are idempotent on (type, id); another sha256 is refused; a checkpoint follows within the interval", async () => {
    const first = await log.append([leafOf(0), leafOf(1), leafOf(0)]);
    assert.deepEqual(first, [
      { leaf_index: 0, created: true },
      { leaf_index: 1, created: true },
      { leaf_index: 0, created: false },
    ]);
    await assert.rejects(log.append([leafOf(2), { ...leafOf(1), sha256: "f".repeat(64) }]), LeafConflictError);
    assert.equal(await log.size(), 2, "nothing of a refused batch is appended");
    await assert.rejects(log.append([{ ...leafOf(3), sha256: "XYZ" }]), RangeError);
    const started = Date.now();
    const c = await waitForSize(2);
    assert.ok(Date.now() - started <= INTERVAL + 500, "signed within the interval");
    assert.equal(c.size, 2);
  });

  test("a receipt is 202 with Retry-After until covered, then 200 and verifies offline", async () => {
    const signer = t.kernel.resolve(TRANSPARENCY_LOG);
    const [appended] = await signer.append([leafOf(2, "advisory_asset")]);
    const pending = await fetch(`${t.baseUrl}/log/receipt?type=advisory_asset&id=rec_000002`);
    if (pending.status === 202) {
      assert.ok(Number(pending.headers.get("retry-after")) >= 1);
      assert.equal(((await pending.json()) as { leaf_index: number }).leaf_index, appended?.leaf_index);
    } else {
      assert.equal(pending.status, 200); // the signer was faster than this request
      await pending.body?.cancel();
    }
    await waitForSize(3);
    const res = await fetch(`${t.baseUrl}/log/receipt?type=advisory_asset&id=rec_000002`);
    assert.equal(res.status, 200);
    const receipt = await res.json();
    const result = verifyReceipt(receipt, log.verifierKey);
    assert.ok(result.ok, result.ok ? "" : result.reason);
    assert.equal(result.leaf.id, "rec_000002");
    const unknown = await fetch(`${t.baseUrl}/log/receipt?type=run&id=nope`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get("content-type"), "application/problem+json");
  });

  test("tiles: full tiles immutable, partial ones short-lived, a tile not complete only in partial form", async () => {
    const leaves = Array.from({ length: 600 }, (_, i) => leafOf(1000 + i));
    await log.append(leaves);
    const size = await log.size();
    assert.equal(size, 603);
    const all = [];
    for await (const l of log.leaves()) all.push(l);
    const hashes = all.map((l) => leafHash(l.text));
    const full = await get("tile/0/000");
    assert.equal(full.status, 200);
    assert.equal(full.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(full.headers.get("content-type"), "application/octet-stream");
    const bytes = new Uint8Array(await full.arrayBuffer());
    assert.equal(bytes.length, 8192);
    assert.deepEqual(Buffer.from(bytes.subarray(32 * 5, 32 * 6)), Buffer.from(hashes[5] as Uint8Array));
    const partial = await get("tile/0/002.p/91");
    assert.equal(partial.status, 200);
    assert.match(partial.headers.get("cache-control") ?? "", /max-age=5/);
    const partialBytes = new Uint8Array(await partial.arrayBuffer());
    assert.equal(partialBytes.length, 91 * 32);
    assert.deepEqual(Buffer.from(partialBytes.subarray(0, 32)), Buffer.from(hashes[512] as Uint8Array));
    assert.equal((await get("tile/0/002")).status, 404, "not complete: only its partial form");
    assert.equal((await get("tile/0/002.p/92")).status, 404);
    const level1 = new Uint8Array(await (await get("tile/1/000.p/2")).arrayBuffer());
    const src = nodeSourceOfLeafHashes(hashes);
    assert.deepEqual(Buffer.from(level1.subarray(32, 64)), Buffer.from(rangeHash(256, 512, src)));
    const bundle = await get("tile/entries/001");
    const decoded = decodeEntryBundle(new Uint8Array(await bundle.arrayBuffer()));
    assert.ok(decoded.ok);
    assert.equal(decoded.entries.length, 256);
    assert.equal(Buffer.from(decoded.entries[0] as Uint8Array).toString(), all[256]?.text);
    assert.equal((await get("tile/entries/002")).status, 404);
    assert.equal((await get("tile/entries/002.p/91")).status, 200);
    for (const bad of ["tile/0/2", "tile/00/000", "tile/0/x000/002", "tile/0/002.p/256", "tile/entries/002.p/0"]) {
      const res = await get(bad);
      assert.equal(res.status, 400, bad);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
    }
    // The partial tile's hash and the root agree with a client's own computation.
    const c = await waitForSize(size);
    assert.deepEqual(Buffer.from(c.root), Buffer.from(rangeHash(0, c.size, src)));
    assert.ok(nodeHash(hashes[0] as Uint8Array, hashes[1] as Uint8Array));
  });

  test("proof endpoints answer RFC 9162 proofs; bad input is problem+json 400/404", async () => {
    const c = await waitForSize(603);
    const inc = (await (await get(`proof/inclusion?index=300&size=${c.size}`)).json()) as { hashes: string[] };
    const leaf = (await log.leafOf("run", "rec_001297")) ?? assert.fail("leaf");
    assert.equal(leaf.leaf_index, 300);
    const proof = inc.hashes.map((h) => decodeBase64Strict(h) as Uint8Array);
    assert.ok(verifyInclusion(300, c.size, leafHash(leaf.text), proof, c.root).ok);
    const first = await (await get("proof/consistency?from=2&to=3")).json();
    assert.deepEqual(Object.keys(first as object).sort(), ["from", "hashes", "to"]);
    const cons = (await (await get(`proof/consistency?from=100&to=${c.size}`)).json()) as { hashes: string[] };
    const all = [];
    for await (const l of log.leaves({ to: 100 })) all.push(leafHash(l.text));
    const root100 = rangeHash(0, 100, nodeSourceOfLeafHashes(all));
    const consProof = cons.hashes.map((h) => decodeBase64Strict(h) as Uint8Array);
    assert.ok(verifyConsistency(100, c.size, root100, c.root, consProof).ok);
    const cases: Array<[string, number]> = [
      [`proof/inclusion?index=${c.size}&size=${c.size}`, 400],
      ["proof/inclusion?index=0&size=100000", 404],
      ["proof/inclusion?index=01&size=3", 400],
      ["proof/inclusion?index=-1&size=3", 400],
      ["proof/inclusion?size=3", 400],
      ["proof/consistency?from=5&to=3", 400],
      ["proof/consistency?from=1&to=100000", 404],
      ["proof/consistency?from=a&to=3", 400],
    ];
    for (const [path, status] of cases) {
      const res = await get(path);
      assert.equal(res.status, status, path);
      assert.equal(res.headers.get("content-type"), "application/problem+json", path);
    }
  });

  test("the log's tables refuse UPDATE and DELETE", () => {
    const db = sqliteConnectionOf(t.kernel.resolve(DATABASE));
    assert.throws(() => db.prepare("UPDATE tlog_leaves SET sha256 = 'x' WHERE leaf_index = 0").run(), /insert-only/);
    assert.throws(() => db.prepare("DELETE FROM tlog_leaves WHERE leaf_index = 0").run(), /insert-only/);
    assert.throws(() => db.prepare("DELETE FROM tlog_tiles").run(), /insert-only/);
    assert.throws(() => db.prepare("UPDATE tlog_checkpoints SET note = ''").run(), /insert-only/);
  });

  test("a rewritten leaf hash (triggers dropped) makes the signer refuse the next checkpoint", async () => {
    const db = sqliteConnectionOf(t.kernel.resolve(DATABASE));
    const before = await checkpointNow();
    db.exec("DROP TRIGGER tlog_leaves_no_update");
    db.prepare("UPDATE tlog_leaves SET leaf_hash = ? WHERE leaf_index = 601").run(Buffer.alloc(32, 7));
    await log.append([leafOf(99_999)]);
    await assert.rejects(log.signNow(), /refusing to sign: .*not consistent/);
    await sleep(INTERVAL * 2);
    const c = await checkpointNow();
    assert.equal(c.size, before.size, "no checkpoint was signed over the rewritten tree");
  });
});
