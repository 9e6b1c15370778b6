/** Upload sources: what is repeatable (a path, bytes, a Blob) and what is read once (streams); bad input refused. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { uploadBody } from "./upload_source.js";

const text = async (body: unknown) => new Response(body as ReadableStream).text();

test("a file path is re-opened for each attempt; a directory or a missing file is refused", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-upload-"));
  try {
    const file = path.join(dir, "a.txt");
    fs.writeFileSync(file, "from a file");
    const src = await uploadBody(file);
    assert.equal(src.repeatable, true);
    assert.equal(await text(await src.body()), "from a file");
    assert.equal(await text(await src.body()), "from a file");
    await assert.rejects(uploadBody(dir), /not a file/);
    await assert.rejects(uploadBody(path.join(dir, "missing")), /ENOENT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bytes, an ArrayBuffer and a Blob are repeatable; streams are read once", async () => {
  for (const data of [new TextEncoder().encode("b"), new TextEncoder().encode("b").buffer, new Blob(["b"])]) {
    const src = await uploadBody(data);
    assert.equal(src.repeatable, true);
    assert.equal(await text(await src.body()), "b");
  }
  const node = await uploadBody(Readable.from([Buffer.from("n")]));
  assert.equal(node.repeatable, false);
  assert.equal(await text(await node.body()), "n");
  await assert.rejects(node.body(), /once/);
  const web = await uploadBody(new ReadableStream({ start: (c) => c.close() }));
  assert.equal(web.repeatable, false);
  await web.body();
  await assert.rejects(web.body(), /once/);
});

test("anything else is refused", async () => {
  for (const bad of [42, null, { pipe: 1 }, ["a"]]) {
    await assert.rejects(uploadBody(bad as never), TypeError);
  }
});
