/**
 * The BlobStore contract against the PostgreSQL store, on a real server, with a
 * damage helper that plays decaying storage: as the superuser with triggers off
 * (session_replication_role = replica) — the only way past the insert-only guard —
 * it deletes a blob's rows, drops its last chunk, or flips a byte. Also: chunking
 * (a blob spans many chunks and ranges cross their borders) and nothing partial left.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { blobStoreContract, chunked, readAll, sha256Of } from "../../src/contracts/testing/blob_store_contract.js";
import { PostgresBlobStore } from "../../src/plugins/attachments/postgres_blob_store.js";
import { migratedTestDatabase } from "../../src/testing/postgres_schema.js";

async function fixture(chunkBytes = 64 * 1024) {
  const db = await migratedTestDatabase();
  const pool = db.pool();
  const store = new PostgresBlobStore(pool, { chunkBytes });
  const asStorage = async (sql: string, params: unknown[]) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL session_replication_role = replica");
      await client.query(sql, params);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
  };
  return {
    db,
    pool,
    store,
    damage: async (sha: string, how: "delete" | "truncate" | "alter") => {
      const id = "(SELECT content_id FROM attachments_blobs WHERE sha256 = $1)";
      if (how === "delete") {
        await asStorage(`DELETE FROM attachments_blob_chunks WHERE content_id = ${id}`, [sha]);
        await asStorage("DELETE FROM attachments_blobs WHERE sha256 = $1", [sha]);
      } else if (how === "truncate") {
        await asStorage(
          `DELETE FROM attachments_blob_chunks WHERE content_id = ${id} AND seq = (SELECT max(seq) FROM attachments_blob_chunks WHERE content_id = ${id})`,
          [sha],
        );
      } else {
        await asStorage(
          `UPDATE attachments_blob_chunks SET data = set_byte(data, 0, (get_byte(data, 0) + 1) % 256) WHERE content_id = ${id} AND seq = 0`,
          [sha],
        );
      }
    },
    leftovers: async () => {
      const { rows } = await pool.query<{ content_id: string }>(
        "SELECT DISTINCT content_id::text FROM attachments_blob_chunks WHERE content_id NOT IN (SELECT content_id FROM attachments_blobs)",
      );
      return rows.map((r) => r.content_id);
    },
    dispose: () => db.drop(),
  };
}

blobStoreContract("PostgreSQL (chunks in attachments_blob_chunks)", () => fixture());

test("PostgreSQL blobs: stored in chunks of chunkBytes; ranges across chunk borders read exactly", async () => {
  const fx = await fixture(1000);
  try {
    const bytes = randomBytes(10_500);
    const { info } = await fx.store.put(chunked(bytes, [333, 4000, 1]), { maxBytes: 1 << 20 });
    const { rows } = await fx.pool.query<{ n: number; longest: number }>(
      "SELECT count(*)::int AS n, max(length(data)) AS longest FROM attachments_blob_chunks c JOIN attachments_blobs b USING (content_id) WHERE b.sha256 = $1",
      [info.sha256],
    );
    assert.deepEqual(rows[0], { n: 11, longest: 1000 });
    for (const [start, end] of [
      [999, 1000],
      [0, 10_499],
      [1500, 7321],
      [10_000, 10_499],
      [4242, 4242],
    ] as Array<[number, number]>) {
      const got = await readAll(await fx.store.read(info.sha256, { start, end }));
      assert.ok(got.equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
    }
    assert.equal(sha256Of(await readAll(await fx.store.read(info.sha256))), info.sha256);
  } finally {
    await fx.dispose();
  }
});

test("PostgreSQL blobs: two pools (two instances) storing the same bytes at once keep one blob, created once", async () => {
  const fx = await fixture(4096);
  try {
    const other = new PostgresBlobStore(fx.db.pool(), { chunkBytes: 4096 });
    const bytes = randomBytes(200_000);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? fx.store : other).put(chunked(bytes, [7000 * (i + 1)]), { maxBytes: 1 << 20 }),
      ),
    );
    assert.equal(outcomes.filter((o) => o.created).length, 1);
    const { rows } = await fx.pool.query<{ n: number }>(
      "SELECT count(DISTINCT content_id)::int AS n FROM attachments_blob_chunks",
    );
    assert.equal(rows[0]?.n, 1, "the losers' chunks were rolled back");
  } finally {
    await fx.dispose();
  }
});
