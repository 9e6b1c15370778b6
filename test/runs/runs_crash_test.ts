/**
 * Invariant 4 under kill -9: a burst of creates against the real server, SIGKILL in
 * the middle, restart on the same data: every run that got a 201 is there
 * byte-identical and verifies; no temp or partial file is ever served or listed.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { startChildServer } from "../../src/testing/child_server.js";
import { burstCreatesThenKill9 } from "../../src/testing/create_burst.js";
import { tempDir } from "../../src/testing/test_kernel.js";

test("kill -9 during a burst of creates loses nothing that was acknowledged", async () => {
  const dataDir = tempDir("rmos-crash-");
  try {
    const acknowledged = new Map<string, Buffer>();
    for (let round = 0; round < 2; round++) {
      const server = await startChildServer({ RMOS_DATA_DIR: dataDir });
      await burstCreatesThenKill9(server, acknowledged, round);
    }

    const server = await startChildServer({ RMOS_DATA_DIR: dataDir });
    try {
      for (const [runId, bytes] of acknowledged) {
        const res = await fetch(`${server.url}/api/rmos/runs/${runId}`);
        assert.equal(res.status, 200, `${runId} survived`);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes), `${runId} byte-identical`);
      }
      const sample = [...acknowledged.keys()].slice(0, 20);
      for (const runId of sample) {
        const report = (await (await fetch(`${server.url}/api/rmos/runs/${runId}/verify`)).json()) as { ok: boolean };
        assert.equal(report.ok, true, `${runId} verifies`);
      }
      // Everything listed reads back, and nothing temporary is left.
      let cursor: string | null = null;
      let listed = 0;
      do {
        const page = (await (
          await fetch(`${server.url}/api/rmos/runs?limit=500${cursor ? `&cursor=${cursor}` : ""}`)
        ).json()) as {
          items: Array<{ run_id: string }>;
          next_cursor: string | null;
        };
        for (const item of page.items) {
          assert.equal((await fetch(`${server.url}/api/rmos/runs/${item.run_id}`)).status, 200);
        }
        listed += page.items.length;
        cursor = page.next_cursor;
      } while (cursor);
      assert.ok(listed >= acknowledged.size, "every acknowledged run is listed");
      const temps = fs
        .readdirSync(path.join(dataDir, "runs"), { recursive: true })
        .map(String)
        .filter((n) => path.basename(n).startsWith(".tmp-"));
      assert.deepEqual(temps, [], "temp files removed at start");
    } finally {
      assert.equal(await server.stop(), 0, "graceful stop on SIGTERM exits 0");
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
