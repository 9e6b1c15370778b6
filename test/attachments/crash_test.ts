/**
 * Crash safety of uploads: `rmos serve` (of this very build) runs as a child process;
 * while several uploads are streaming in, it is killed with SIGKILL. Then: no partial
 * blob is visible under a final name, the blob acknowledged before the kill is intact,
 * and a restarted server removes the temp files and refuses runs that name the
 * interrupted uploads (their content was never stored).
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type ChildServer, startChildServer } from "../../src/testing/child_server.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import { tempFilesIn } from "./support.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const MiB = 1024 * 1024;

interface Served {
  readonly server: ChildServer;
  readonly url: string;
}

const started: ChildServer[] = [];
after(async () => {
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) await s.kill9();
});

/** `rmos serve` of this very build in a child process, on `dataDir`. */
async function serve(dataDir: string): Promise<Served> {
  const server = await startChildServer({ RMOS_DATA_DIR: dataDir, RMOS_PLUGINS: "runs,attachments" });
  started.push(server);
  return { server, url: `${server.url}/api/rmos` };
}

/** Every file under `<data>/blobs/<shard>/` (the visible blobs). */
/** POST /runs of a run whose one attachment (G-code) is the given blob. */
function createRunNaming(
  url: string,
  blob: { sha256: string; filename: string; size_bytes: number },
): Promise<Response> {
  return fetch(`${url}/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      mode: "toolpath",
      tool_id: "t1",
      status: "OK",
      request_summary: {},
      feasibility: { ok: true },
      decision: { risk_level: "GREEN", warnings: [], details: {} },
      attachments: [{ kind: "gcode", mime: "text/x-gcode", ...blob }],
    }),
  });
}

async function visibleBlobs(dataDir: string): Promise<Map<string, Buffer>> {
  const root = path.join(dataDir, "blobs");
  const found = new Map<string, Buffer>();
  for (const shard of await fs.readdir(root)) {
    if (shard.startsWith(".")) continue;
    for (const name of await fs.readdir(path.join(root, shard))) {
      if (!name.startsWith(".")) found.set(name, await fs.readFile(path.join(root, shard, name)));
    }
  }
  return found;
}

function slowBody(bytes: Uint8Array, chunk: number, delayMs: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await sleep(delayMs);
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

test("kill -9 during uploads: no partial blob is visible, acknowledged blobs survive, temp files are removed at start", async () => {
  const dataDir = tempDir("rmos-crash-");
  try {
    for (const round of [1, 2]) {
      const first = await serve(dataDir);
      // One upload acknowledged before the crash: it must survive.
      const kept = randomBytes(256 * 1024 + round);
      const ack = await fetch(`${first.url}/attachments`, { method: "POST", body: kept });
      assert.equal(ack.status, 201);

      // Several uploads streaming when the process dies.
      const partials = Array.from({ length: 3 }, () => randomBytes(16 * MiB));
      const inflight = partials.map((bytes, i) =>
        fetch(`${first.url}/attachments`, {
          method: "POST",
          body: slowBody(bytes, 64 * 1024, 2 + i),
          duplex: "half",
        } as RequestInit).then(
          (r) => r.status,
          (e: Error) => e.name,
        ),
      );
      // Wait until every upload is partly on disk (round 2: well into them).
      const want = round === 1 ? 256 * 1024 : 2 * MiB;
      for (let i = 0; i < 400; i++) {
        const temps = await tempFilesIn(dataDir);
        const sizes = await Promise.all(temps.map((t) => fs.stat(path.join(dataDir, "blobs", t)).then((s) => s.size)));
        if (temps.length >= partials.length && sizes.every((s) => s >= want)) break;
        await sleep(25);
      }
      assert.equal((await tempFilesIn(dataDir)).length, partials.length, "the uploads were in flight");
      await first.server.kill9();
      const outcomes = await Promise.all(inflight);
      for (const o of outcomes) assert.notEqual(o, 201, "no interrupted upload was acknowledged");

      // Straight after the crash: only complete blobs carry a final name.
      const visible = await visibleBlobs(dataDir);
      for (const [name, bytes] of visible) assert.equal(sha256(bytes), name, `${name} is whole and matches its name`);
      assert.ok(visible.has(sha256(kept)), "the acknowledged blob survived");
      for (const bytes of partials) assert.ok(!visible.has(sha256(bytes)), "no interrupted upload is visible");
      assert.ok((await tempFilesIn(dataDir)).length > 0, "the crash left temp files");

      // Restart: temp files are gone, the kept blob is usable, the interrupted ones are unknown.
      const second = await serve(dataDir);
      assert.deepEqual(await tempFilesIn(dataDir), []);
      const run = await createRunNaming(second.url, {
        sha256: sha256(kept),
        filename: "kept.nc",
        size_bytes: kept.length,
      });
      assert.equal(run.status, 201, await run.clone().text());
      const { run_id } = (await run.json()) as { run_id: string };
      const verify = (await (await fetch(`${second.url}/runs/${run_id}/attachments/verify`)).json()) as { ok: boolean };
      assert.equal(verify.ok, true);
      const download = await fetch(`${second.url}/runs/${run_id}/attachments/${sha256(kept)}`);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(kept));
      const refused = await createRunNaming(second.url, {
        sha256: sha256(partials[0] as Buffer),
        filename: "lost.nc",
        size_bytes: 16 * MiB,
      });
      assert.equal(refused.status, 422);
      await second.server.kill9();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
