/**
 * Runs the blob store contract kit against the embedded store, and checks what only
 * the embedded store promises: its on-disk layout, read-only blob files, and that
 * `open` removes the temp files a crash left behind.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { blobStoreContract, chunked, sha256Of } from "../../src/contracts/testing/blob_store_contract.js";
import { EmbeddedBlobStore } from "../../src/plugins/attachments/embedded_blob_store.js";
import { blobPath, embeddedFixture, tempFilesIn } from "./support.js";

blobStoreContract("embedded (files under <data>/blobs)", embeddedFixture);

test("embedded: a blob is stored at <data>/blobs/<sha[0:2]>/<sha>, read-only", async () => {
  const fx = await embeddedFixture();
  try {
    const bytes = Buffer.from("G21\nG90\nG1 X1 Y1\nM30\n");
    const { info } = await fx.store.put(chunked(bytes), { maxBytes: 1024 });
    const file = blobPath(fx.dataDir, info.sha256);
    assert.equal(info.sha256, sha256Of(bytes));
    assert.ok((await fs.readFile(file)).equals(bytes));
    assert.equal((await fs.stat(file)).mode & 0o222, 0, "no write permission bits");
    assert.deepEqual(await fs.readdir(path.join(fx.dataDir, "blobs")), [info.sha256.slice(0, 2)]);
  } finally {
    await fx.dispose();
  }
});

test("embedded: open removes temp files left by a crash, and nothing else", async () => {
  const fx = await embeddedFixture();
  try {
    const { info } = await fx.store.put(chunked(Buffer.from("kept")), { maxBytes: 1024 });
    const root = path.join(fx.dataDir, "blobs");
    await fs.writeFile(path.join(root, ".tmp-upload-1234-abcdef"), "partial");
    await fs.writeFile(path.join(root, info.sha256.slice(0, 2), ".tmp-stray"), "partial");
    assert.equal((await tempFilesIn(fx.dataDir)).length, 2);
    const reopened = new EmbeddedBlobStore({ dataDir: fx.dataDir });
    await reopened.open();
    assert.deepEqual(await tempFilesIn(fx.dataDir), []);
    assert.deepEqual(await reopened.stat(info.sha256), info);
    const names: string[] = [];
    for await (const sha of reopened.scan()) names.push(sha);
    assert.deepEqual(names, [info.sha256]);
  } finally {
    await fx.dispose();
  }
});

test("embedded: scan ignores stray files and blobs filed under the wrong shard", async () => {
  const fx = await embeddedFixture();
  try {
    const { info } = await fx.store.put(chunked(Buffer.from("real")), { maxBytes: 1024 });
    const root = path.join(fx.dataDir, "blobs");
    const wrongShard = info.sha256.startsWith("00") ? "01" : "00";
    await fs.mkdir(path.join(root, wrongShard));
    await fs.writeFile(path.join(root, wrongShard, info.sha256), "real");
    await fs.writeFile(path.join(root, info.sha256.slice(0, 2), "README"), "not a blob");
    await fs.mkdir(path.join(root, "zz"));
    const names: string[] = [];
    for await (const sha of fx.store.scan()) names.push(sha);
    assert.deepEqual(names, [info.sha256]);
  } finally {
    await fx.dispose();
  }
});
