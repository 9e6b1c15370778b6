/**
 * A full disk, on a real small file system the test mounts (tmpfs, as root): a create
 * and an upload that meet ENOSPC answer 507 problem+json, leave no temp or partial file
 * and acknowledge nothing; /readyz says the storage is full meanwhile; once space
 * returns, both work again. SQLite on a full file system fails with SQLITE_FULL, which
 * the service answers 507 as well — on the run index too, with a database that cannot
 * grow (max_page_count). Without the right to mount, the tests are skipped
 * with a message saying why.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { sqliteConnectionOf } from "../../src/kernel/db/sqlite.js";
import { isStorageFull } from "../../src/kernel/fs/storage_full.js";
import { startTestKernel, startTestServer, tempDir } from "../../src/testing/test_kernel.js";

const SIZE = 8 * 1024 * 1024;

/** Mounts a tmpfs of `bytes` on a new directory; answers the directory, or why it cannot. */
function mountSmallFs(bytes: number): { dir: string } | { why: string } {
  const dir = tempDir("rmos-full-");
  if (process.getuid?.() !== 0) return { why: "not running as root: mounting a small tmpfs needs root" };
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "pipe" });
    return { dir };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { why: `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}` };
  }
}

function unmount(dir: string): void {
  execFileSync("umount", [dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Fills the file system of `dir` with `file` until ENOSPC. */
function fillUp(file: string): void {
  const fd = fs.openSync(file, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let n = chunk.length; n > 0; ) {
      try {
        fs.writeSync(fd, chunk, 0, n);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
        n = Math.floor(n / 2);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

function filesNamed(dir: string, match: (name: string) => boolean): string[] {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((n) => match(path.basename(n)));
}

const mounted = mountSmallFs(SIZE);
if ("why" in mounted) process.stderr.write(`\n*** storage_full_test SKIPPED: ${mounted.why} ***\n\n`);
const skip = "why" in mounted ? mounted.why : false;

describe("a full disk", { skip }, () => {
  const dir = "dir" in mounted ? mounted.dir : "";
  const dataDir = path.join(dir, "data");
  let server: Awaited<ReturnType<typeof startTestServer>>;
  before(async () => {
    server = await startTestServer({ dataDir, env: { RMOS_MIN_FREE_BYTES: String(256 * 1024) } });
  });
  after(async () => {
    await server?.close();
    unmount(dir);
  });

  test("create and upload answer 507, store nothing, and work again once space returns", async () => {
    const ok = await fetch(`${server.baseUrl}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(makeCreateBody()),
    });
    assert.equal(ok.status, 201, "a create before the disk is full");
    const filler = path.join(dir, "filler");
    fillUp(filler);

    const ready = await fetch(`${server.server.url}/readyz`);
    assert.equal(ready.status, 503);
    const checks = ((await ready.json()) as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks;
    const space = checks.find((c) => c.name === "storage-space");
    assert.equal(space?.ok, false);
    assert.match(space?.detail ?? "", /storage full/);

    const runsBefore = filesNamed(dataDir, (n) => n.startsWith("run_")).length;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.baseUrl}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeCreateBody({ meta: { i, pad: "x".repeat(100_000) } })),
      });
      assert.equal(res.status, 507, `create ${i}`);
      assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
      assert.equal(((await res.json()) as { type: string }).type, "urn:rmos:problem:insufficient-storage");
    }
    const upload = await fetch(`${server.baseUrl}/attachments`, {
      method: "POST",
      headers: { "content-type": "text/x-gcode" },
      body: Buffer.alloc(3 * 1024 * 1024, 0x47),
    });
    assert.equal(upload.status, 507, "upload");
    assert.equal(((await upload.json()) as { type: string }).type, "urn:rmos:problem:insufficient-storage");
    assert.deepEqual(
      filesNamed(dataDir, (n) => n.startsWith(".tmp-")),
      [],
      "no temp file left",
    );
    assert.equal(filesNamed(dataDir, (n) => n.startsWith("run_")).length, runsBefore, "no partial run file");

    fs.rmSync(filler);
    assert.equal((await fetch(`${server.server.url}/readyz`)).status, 200, "ready again");
    const again = await fetch(`${server.baseUrl}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(makeCreateBody({ meta: { pad: "x".repeat(100_000) } })),
    });
    assert.equal(again.status, 201, "create after space returned");
    const runId = ((await again.json()) as { run_id: string }).run_id;
    assert.equal((await fetch(`${server.baseUrl}/runs/${runId}`)).status, 200);
    const uploadAgain = await fetch(`${server.baseUrl}/attachments`, {
      method: "POST",
      headers: { "content-type": "text/x-gcode" },
      body: Buffer.alloc(3 * 1024 * 1024, 0x47),
    });
    assert.equal(uploadAgain.status, 201, "upload after space returned");
  });

  test("SQLite on a full file system fails with SQLITE_FULL, recognised as a full storage", () => {
    const dbDir = path.join(dir, "sqlite");
    fs.mkdirSync(dbDir);
    const db = new Database(path.join(dbDir, "full.db"));
    try {
      db.pragma("journal_mode = WAL");
      db.exec("CREATE TABLE t (v BLOB)");
      const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
      let failure: unknown;
      for (let i = 0; i < 10_000 && failure === undefined; i++) {
        try {
          insert.run(Buffer.alloc(64 * 1024, i % 256));
        } catch (error) {
          failure = error;
        }
      }
      assert.ok(failure, "the database filled up");
      assert.equal((failure as { code?: string }).code, "SQLITE_FULL");
      assert.equal(isStorageFull(failure), true);
    } finally {
      db.close();
      fs.rmSync(dbDir, { recursive: true, force: true });
    }
  });
});

describe("a full database", () => {
  test("SQLITE_FULL on the run index: 507 problem+json, nothing acknowledged; writes work again once it has room", async () => {
    const t = await startTestKernel();
    try {
      const db = sqliteConnectionOf(t.kernel.database);
      const pages = Number(db.pragma("page_count", { simple: true }));
      db.pragma(`max_page_count = ${pages}`); // a database that cannot grow: SQLite answers SQLITE_FULL
      let full: Response | undefined;
      for (let i = 0; i < 500 && full === undefined; i++) {
        const res = await t.request("runs", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(makeCreateBody({ meta: { i, pad: "y".repeat(2000) } })),
        });
        if (res.status === 507) full = res;
        else assert.equal(res.status, 201, `create ${i}: ${await res.text()}`);
      }
      assert.ok(full, "the index filled up");
      assert.match(full.headers.get("content-type") ?? "", /problem\+json/);
      assert.equal(((await full.json()) as { type: string }).type, "urn:rmos:problem:insufficient-storage");
      assert.deepEqual(
        filesNamed(t.dataDir, (n) => n.startsWith(".tmp-")),
        [],
        "no temp file left",
      );

      db.pragma("max_page_count = 1073741823");
      const again = await t.request("runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeCreateBody()),
      });
      assert.equal(again.status, 201, "a create once the database has room");
      const runId = ((await again.json()) as { run_id: string }).run_id;
      assert.equal((await t.request(`runs/${runId}`)).status, 200);
    } finally {
      await t.close();
    }
  });
});
