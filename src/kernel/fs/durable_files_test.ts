/**
 * Unit tests of the durable write-once primitives: one winner among concurrent
 * writers, an existing name left untouched, no temp file left behind (also when a
 * write fails), a directory removed behind the process recreated, unique temp names in
 * the `.tmp-<name>-<pid>-<unique>` form, and the coalescing of directory fsyncs — each
 * request answered by an fsync that started after it was made, failures reported to
 * the requests they answer.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import {
  DirectorySync,
  ensureDirDurable,
  fsyncDir,
  removeTempFiles,
  TEMP_PREFIX,
  tempNameFor,
  writeNewFileSynced,
  writeOnceDurable,
} from "./durable_files.js";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "rmos-durable-"));
}

describe("writeOnceDurable", () => {
  test("creates the file with its bytes, read-only, and leaves no temp file", async () => {
    const dir = path.join(tempDir(), "a", "b");
    assert.equal(await writeOnceDurable(dir, "x.json", Buffer.from("{}")), "created");
    assert.equal(fs.readFileSync(path.join(dir, "x.json"), "utf8"), "{}");
    assert.equal(fs.statSync(path.join(dir, "x.json")).mode & 0o777, 0o444);
    assert.deepEqual(fs.readdirSync(dir), ["x.json"]);
  });

  test("of concurrent writers of one name exactly one creates it; the content is the winner's", async () => {
    const dir = tempDir();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => writeOnceDurable(dir, "run.json", Buffer.from(`writer ${i}`))),
    );
    assert.equal(outcomes.filter((o) => o === "created").length, 1);
    const winner = outcomes.indexOf("created");
    assert.equal(fs.readFileSync(path.join(dir, "run.json"), "utf8"), `writer ${winner}`);
    assert.deepEqual(fs.readdirSync(dir), ["run.json"]);
  });

  test("an existing name is left untouched, with or without syncWhenExists", async () => {
    const dir = tempDir();
    await writeOnceDurable(dir, "a", Buffer.from("first"));
    assert.equal(await writeOnceDurable(dir, "a", Buffer.from("second")), "exists");
    assert.equal(await writeOnceDurable(dir, "a", Buffer.from("third"), { syncWhenExists: true }), "exists");
    assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "first");
    assert.deepEqual(fs.readdirSync(dir), ["a"]);
  });

  test("writes large payloads (asynchronously) whole", async () => {
    const dir = tempDir();
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    await writeOnceDurable(dir, "big", big);
    assert.ok(fs.readFileSync(path.join(dir, "big")).equals(big));
  });

  test("recreates a directory that was removed after this process first made it", async () => {
    const root = tempDir();
    const dir = path.join(root, "part");
    await writeOnceDurable(dir, "one", Buffer.from("1"));
    fs.rmSync(dir, { recursive: true });
    assert.equal(await writeOnceDurable(dir, "two", Buffer.from("2")), "created");
    assert.equal(fs.readFileSync(path.join(dir, "two"), "utf8"), "2");
  });

  test("a target directory that cannot be made is an error, and nothing is left", async () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, "file"), "not a directory");
    await assert.rejects(writeOnceDurable(path.join(root, "file", "sub"), "x", Buffer.from("x")), /ENOTDIR/);
    assert.deepEqual(fs.readdirSync(root), ["file"]);
  });
});

describe("writeNewFileSynced", () => {
  test("refuses an existing file and never truncates it", async () => {
    const dir = tempDir();
    const file = path.join(dir, "f");
    fs.writeFileSync(file, "kept");
    await assert.rejects(writeNewFileSynced(file, Buffer.from("new")), /EEXIST/);
    assert.equal(fs.readFileSync(file, "utf8"), "kept");
  });
});

describe("tempNameFor and removeTempFiles", () => {
  test("temp names are unique, carry the pid second to last, and are removed at start", async () => {
    const names = new Set(Array.from({ length: 1000 }, () => tempNameFor("x.json")));
    assert.equal(names.size, 1000);
    for (const name of names) {
      assert.ok(name.startsWith(`${TEMP_PREFIX}x.json-`));
      assert.equal(Number(name.split("-").at(-2)), process.pid);
    }
    const dir = tempDir();
    for (const name of [...names].slice(0, 3)) fs.writeFileSync(path.join(dir, name), "partial");
    fs.writeFileSync(path.join(dir, "kept.json"), "{}");
    assert.equal(await removeTempFiles(dir), 3);
    assert.deepEqual(fs.readdirSync(dir), ["kept.json"]);
    assert.equal(await removeTempFiles(path.join(dir, "missing")), 0);
  });

  test("ensureDirDurable and fsyncDir work on existing and new directories", async () => {
    const dir = path.join(tempDir(), "x", "y", "z");
    await ensureDirDurable(dir);
    await ensureDirDurable(dir);
    assert.ok(fs.statSync(dir).isDirectory());
    await Promise.all([fsyncDir(dir), fsyncDir(dir), fsyncDir(path.dirname(dir))]);
    await assert.rejects(fsyncDir(path.join(dir, "missing")), /ENOENT/);
  });
});

/** A fake fsync the test finishes by hand, recording when each one started. */
function controlledSyncs() {
  const started: Array<{ at: number; finish: (error?: Error) => void }> = [];
  let clock = 0;
  const syncNow = () =>
    new Promise<void>((resolve, reject) => {
      started.push({ at: clock, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { started, syncNow, tick: () => ++clock, now: () => clock };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe("DirectorySync (coalesced directory fsyncs)", () => {
  test("requests made while an fsync runs share the next one, which starts after it", async () => {
    const c = controlledSyncs();
    let idle = 0;
    const sync = new DirectorySync(c.syncNow, () => idle++);
    const answered: number[] = [];
    const ask = (n: number) => sync.request().then(() => answered.push(n));
    const first = ask(1);
    c.tick();
    const second = ask(2);
    const third = ask(3);
    await settle();
    assert.equal(c.started.length, 1, "one fsync runs; the later requests wait for the next");
    c.started[0]?.finish();
    await first;
    await settle();
    assert.deepEqual(answered, [1]);
    assert.equal(c.started.length, 2, "one more fsync serves both later requests");
    assert.equal(c.started[1]?.at, 1, "and it started after they were made");
    c.started[1]?.finish();
    await Promise.all([second, third]);
    assert.deepEqual(answered, [1, 2, 3]);
    await settle();
    assert.equal(idle, 1);
  });

  test("a failed fsync fails the requests it answers, not the ones queued for the next", async () => {
    const c = controlledSyncs();
    const sync = new DirectorySync(c.syncNow);
    const first = sync.request();
    const second = sync.request();
    await settle();
    c.started[0]?.finish(new Error("EIO"));
    await assert.rejects(first, /EIO/);
    await settle();
    c.started[1]?.finish();
    await second;
    assert.equal(c.started.length, 2);
  });

  test("n concurrent requests need at most two fsyncs", async () => {
    const c = controlledSyncs();
    const sync = new DirectorySync(c.syncNow);
    const all = Promise.all(Array.from({ length: 50 }, () => sync.request()));
    let finished = 0;
    for (let i = 0; i < 4; i++) {
      await settle();
      for (const s of c.started.slice(finished)) s.finish();
      finished = c.started.length;
    }
    await all;
    assert.equal(c.started.length, 2);
  });
});
