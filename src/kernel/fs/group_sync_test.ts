/**
 * Unit tests of grouped durable writes: the same write-once outcomes as
 * writeOnceDurable (one winner among concurrent writers of a name, an existing name
 * untouched), with `sync -f` and with the file-by-file fallback; nothing answered
 * before its group's syncs; a failed sync fails its whole group and leaves no temp
 * file; the syncfs helper's answers and refusals; and the process-wide switch.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { writeOnceDurable } from "./durable_files.js";
import {
  type FileSystemSync,
  fileByFileSync,
  GroupSync,
  SyncfsRunner,
  syncfsAvailable,
  syncfsSync,
} from "./group_sync.js";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "rmos-group-"));
}

async function exerciseWriteOnce(sync: FileSystemSync): Promise<GroupSync> {
  const group = new GroupSync(sync);
  const dir = tempDir();
  const outcomes = await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => group.write(dir, `f${i}`, Buffer.from(`file ${i}`), false)),
    ...Array.from({ length: 5 }, (_, i) => group.write(dir, "same", Buffer.from(`writer ${i}`), false)),
  ]);
  assert.deepEqual(outcomes.slice(0, 10), Array(10).fill("created"));
  assert.equal(outcomes.slice(10).filter((o) => o === "created").length, 1);
  const winner = outcomes.slice(10).indexOf("created");
  assert.equal(fs.readFileSync(path.join(dir, "same"), "utf8"), `writer ${winner}`);
  for (let i = 0; i < 10; i++) assert.equal(fs.readFileSync(path.join(dir, `f${i}`), "utf8"), `file ${i}`);
  assert.equal(await group.write(dir, "f0", Buffer.from("again"), true), "exists");
  assert.equal(fs.readFileSync(path.join(dir, "f0"), "utf8"), "file 0");
  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => n.startsWith(".tmp-")),
    [],
    "no temp file is left",
  );
  return group;
}

describe("GroupSync", () => {
  test("write-once outcomes with syncfs (sync -f)", async (t) => {
    if (!(await syncfsAvailable(os.tmpdir()))) return t.skip("sync -f is not available here");
    const runner = new SyncfsRunner();
    try {
      const group = await exerciseWriteOnce(syncfsSync(runner));
      assert.ok(group.stats.groups >= 1 && group.stats.groups <= 3, `few groups: ${group.stats.groups}`);
    } finally {
      runner.close();
    }
  });

  test("write-once outcomes with the file-by-file fallback", async () => {
    await exerciseWriteOnce(fileByFileSync);
  });

  test("nothing is answered before its group's syncs; writes made meanwhile form the next group", async () => {
    const calls: Array<{ files: number; dirs: number }> = [];
    let release: (() => void) | undefined;
    const group = new GroupSync(async (files, dirs) => {
      calls.push({ files: files.length, dirs: dirs.length });
      await new Promise<void>((r) => {
        release = r;
      });
    });
    const dir = tempDir();
    let answered = false;
    const first = group.write(dir, "a", Buffer.from("a"), false).then((o) => {
      answered = true;
      return o;
    });
    while (calls.length < 1) await new Promise((r) => setImmediate(r));
    const second = group.write(dir, "b", Buffer.from("b"), false);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(answered, false, "not answered while the data sync runs");
    assert.equal(fs.existsSync(path.join(dir, "a")), false, "not linked before its data is synced");
    release?.();
    while (calls.length < 2) await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, "not answered while the name sync runs");
    release?.();
    assert.equal(await first, "created");
    while (calls.length < 3) await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls[2], { files: 1, dirs: 1 }, "b is the next group");
    release?.();
    while (calls.length < 4) await new Promise((r) => setImmediate(r));
    release?.();
    assert.equal(await second, "created");
  });

  test("a failed sync fails every write of its group and leaves no temp file", async () => {
    let fail = true;
    const group = new GroupSync(async () => {
      if (fail) throw new Error("EIO: the disk said no");
    });
    const dir = tempDir();
    const results = await Promise.allSettled([
      group.write(dir, "x", Buffer.from("x"), false),
      group.write(dir, "y", Buffer.from("y"), false),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    assert.deepEqual(fs.readdirSync(dir), []);
    fail = false;
    assert.equal(await group.write(dir, "x", Buffer.from("x"), false), "created");
  });

  test("GroupSync.run turns grouping on for writeOnceDurable, joins when nested, and ends", async () => {
    const dir = tempDir();
    assert.equal(GroupSync.active, undefined);
    const outcome = await GroupSync.run(dir, async () => {
      const active = GroupSync.active;
      assert.ok(active);
      await GroupSync.run(dir, async () => assert.equal(GroupSync.active, active));
      const o = await writeOnceDurable(path.join(dir, "sub"), "file.json", Buffer.from("{}"));
      assert.equal(active.stats.writes, 1);
      return o;
    });
    assert.equal(outcome, "created");
    assert.equal(GroupSync.active, undefined);
    assert.equal(fs.readFileSync(path.join(dir, "sub", "file.json"), "utf8"), "{}");
  });
});

describe("SyncfsRunner", () => {
  test("answers each sync in order and reports a failing path with sync's message", async (t) => {
    if (!(await syncfsAvailable(os.tmpdir()))) return t.skip("sync -f is not available here");
    const runner = new SyncfsRunner();
    try {
      const dir = tempDir();
      await Promise.all([runner.sync(dir), runner.sync(os.tmpdir()), runner.sync(dir)]);
      await assert.rejects(runner.sync(path.join(dir, "missing")), /sync -f .*missing failed: .+/);
      await runner.sync(dir); // still serving after a failure
      await assert.rejects(runner.sync(`${dir}\nx`), /newline/);
    } finally {
      runner.close();
    }
  });
});
