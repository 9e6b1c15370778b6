/**
 * Graceful stop under load, with a real `rmos serve` child: SIGTERM during a burst of
 * creates; every request is either answered 201 (and stored), refused cleanly (503
 * problem+json, or the connection refused once the listener is closed), and the process
 * exits 0 within the bound. After a restart on the same data, every run that got a 201
 * reads back byte-identical.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { startChildServer } from "../../src/testing/child_server.js";
import { tempDir } from "../../src/testing/test_kernel.js";

const BOUND_MS = 5000;

test("SIGTERM during a burst of creates: in-flight finished or refused cleanly, exit within the bound, every 201 stored", async () => {
  const dataDir = tempDir("rmos-stop-");
  try {
    const server = await startChildServer({ RMOS_DATA_DIR: dataDir, RMOS_SHUTDOWN_TIMEOUT_MS: String(BOUND_MS) });
    const acknowledged = new Map<string, Buffer>();
    const refused: number[] = [];
    const unexpected: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop && i < 10_000; i++) {
        let res: Response;
        try {
          res = await fetch(`${server.url}/api/rmos/runs`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(makeCreateBody({ meta: { w, i, pad: "x".repeat(1000) } })),
          });
        } catch {
          return; // the listener is closed: refused before anything was read
        }
        const bytes = Buffer.from(await res.arrayBuffer());
        if (res.status === 201) acknowledged.set(JSON.parse(bytes.toString()).run_id, bytes);
        else if (res.status === 503) {
          assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
          assert.ok(Number(res.headers.get("retry-after")) >= 1);
          refused.push(503);
        } else unexpected.push(`${res.status} ${bytes.toString().slice(0, 200)}`);
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.size < 80) await new Promise((r) => setTimeout(r, 5));
    const signalled = Date.now();
    const exitCode = await server.stop();
    const tookMs = Date.now() - signalled;
    stop = true;
    await Promise.all(writers);
    assert.equal(exitCode, 0, "a clean exit");
    assert.ok(tookMs < BOUND_MS, `stopped in ${tookMs} ms`);
    assert.deepEqual(unexpected, [], "nothing but 201 and clean refusals");

    const again = await startChildServer({ RMOS_DATA_DIR: dataDir });
    try {
      for (const [runId, bytes] of acknowledged) {
        const res = await fetch(`${again.url}/api/rmos/runs/${runId}`);
        assert.equal(res.status, 200, `${runId} was stored`);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes), `${runId} byte-identical`);
      }
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
