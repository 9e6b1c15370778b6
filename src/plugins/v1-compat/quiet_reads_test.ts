/**
 * quiet_reads: the bytes are the file's, and on Linux (as the file's owner) reading
 * leaves its access time as it was — where an ordinary read under `relatime` moves it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../../testing/test_kernel.js";
import { openQuietly, readFileQuietlySync } from "./quiet_reads.js";

const linux = process.platform === "linux" && fs.constants.O_NOATIME !== undefined;

describe("quiet reads of the v1 store", () => {
  const dir = tempDir("rmos-quiet-");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A file whose access time is long before its modification time (relatime would update it on read). */
  function oldAtimeFile(name: string, bytes: Buffer): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    const { mtime } = fs.statSync(file);
    fs.utimesSync(file, new Date(0), mtime);
    return file;
  }

  test("read synchronously and through a handle: the file's bytes", async () => {
    const bytes = Buffer.from("G21\nG1 X1 Y1\nM30\n");
    assert.ok(readFileQuietlySync(oldAtimeFile("a.nc", bytes)).equals(bytes));
    const handle = await openQuietly(oldAtimeFile("b.nc", bytes));
    try {
      assert.ok((await handle.readFile()).equals(bytes));
    } finally {
      await handle.close();
    }
  });

  test("the access time is left as it was; an ordinary read moves it", {
    skip: !linux && "O_NOATIME is Linux's",
  }, async () => {
    const quiet = oldAtimeFile("quiet.nc", Buffer.from("x"));
    readFileQuietlySync(quiet);
    const handle = await openQuietly(quiet);
    await handle.readFile();
    await handle.close();
    assert.equal(fs.statSync(quiet).atimeMs, 0);
    const loud = oldAtimeFile("loud.nc", Buffer.from("x"));
    fs.readFileSync(loud);
    assert.notEqual(fs.statSync(loud).atimeMs, 0, "relatime updates an access time older than the modification");
  });

  test("a missing file is the file system's error", () => {
    assert.throws(() => readFileQuietlySync(path.join(dir, "missing")), { code: "ENOENT" });
  });
});
