/**
 * The attachments API over a real server on 127.0.0.1: streamed uploads without a
 * Content-Length, concurrent identical uploads that interleave on the wire, the size
 * limit hit mid-stream (413, connection closed, nothing left behind, the server still
 * serving), a client that disconnects mid-upload, and ranged downloads.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { jsonBody, sampleRunRequest } from "../../src/testing/test_kernel.js";
import { startServer, tempFilesIn } from "./support.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const MiB = 1024 * 1024;

/** A body stream of `bytes` in `chunk`-sized pieces, pausing `delayMs` between pieces. */
function bodyStream(bytes: Uint8Array, chunk: number, delayMs = 0): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (delayMs > 0) await sleep(delayMs);
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function blobNames(dataDir: string): Promise<string[]> {
  const fs = await import("node:fs/promises");
  const out: string[] = [];
  for (const shard of await fs.readdir(`${dataDir}/blobs`)) {
    if (shard.startsWith(".")) continue;
    out.push(...(await fs.readdir(`${dataDir}/blobs/${shard}`)));
  }
  return out.sort();
}

describe("attachments over HTTP (127.0.0.1)", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer({ env: { RMOS_MAX_ATTACHMENT_BYTES: String(16 * MiB) } });
  });
  after(async () => {
    // The aborting client leaves a fresh idle socket open (undici); do not wait for it to time out.
    server.server.server.closeAllConnections();
    await server.close();
  });

  const post = (body: RequestInit["body"], init: RequestInit = {}) =>
    fetch(`${server.baseUrl}/attachments`, { method: "POST", body, duplex: "half", ...init } as RequestInit);

  test("a chunked upload streams in; the same bytes download whole and by range", async () => {
    const bytes = randomBytes(6 * MiB + 123);
    const res = await post(bodyStream(bytes, 256 * 1024), { headers: { "content-type": "application/x-toolpath" } });
    assert.equal(res.status, 201);
    const up = (await res.json()) as { sha256: string; size_bytes: number; mime: string };
    assert.deepEqual(up, { sha256: sha256(bytes), size_bytes: bytes.length, mime: "application/x-toolpath" });

    const run = await fetch(
      `${server.baseUrl}/runs`,
      jsonBody(sampleRunRequest({ attachments: [{ ...up, kind: "toolpath", filename: "tp.bin" }] })),
    );
    assert.equal(run.status, 201, await run.clone().text());
    const { run_id } = (await run.json()) as { run_id: string };
    const url = `${server.baseUrl}/runs/${run_id}/attachments/${up.sha256}`;
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-length"), String(bytes.length));
    assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), up.sha256);
    const part = await fetch(url, { headers: { range: `bytes=${3 * MiB}-${4 * MiB + 9}` } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(3 * MiB, 4 * MiB + 10)));
  });

  test("downloads over Node: HEAD, 304, 416, and a client that goes away mid-download leaks no file handle", async () => {
    const fs = await import("node:fs/promises");
    const bytes = randomBytes(12 * MiB);
    const up = (await (await post(bytes)).json()) as { sha256: string; size_bytes: number };
    const run = await fetch(
      `${server.baseUrl}/runs`,
      jsonBody(sampleRunRequest({ attachments: [{ ...up, kind: "k", mime: "image/png", filename: "i.png" }] })),
    );
    const { run_id } = (await run.json()) as { run_id: string };
    const url = `${server.baseUrl}/runs/${run_id}/attachments/${up.sha256}`;
    const head = await fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(bytes.length));
    assert.equal(head.headers.get("content-type"), "image/png");
    assert.equal((await fetch(url, { headers: { "if-none-match": `"${up.sha256}"` } })).status, 304);
    const unsatisfiable = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    assert.equal(unsatisfiable.status, 416);
    assert.equal(unsatisfiable.headers.get("content-range"), `bytes */${bytes.length}`);
    const whole = await fetch(url);
    assert.ok(whole.headers.get("x-request-id"), "the request id is sent with a direct download too");
    assert.equal(whole.headers.get("etag"), `"${up.sha256}"`);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes));

    const fds = async () => (await fs.readdir("/proc/self/fd")).length;
    const before = await fds();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(url, (res) => {
          let got = 0;
          res.on("data", (chunk: Buffer) => {
            got += chunk.length;
            if (got >= MiB) req.destroy();
          });
          res.on("close", () => resolve());
        });
        req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? resolve() : reject(e)));
      });
    }
    for (let i = 0; i < 50 && (await fds()) > before; i++) await sleep(20);
    assert.ok((await fds()) <= before, "every blob file opened for the cut downloads was closed");
    const again = await fetch(url, { headers: { range: "bytes=0-99" } });
    assert.equal(again.status, 206);
    assert.ok(Buffer.from(await again.arrayBuffer()).equals(bytes.subarray(0, 100)));
  });

  test("concurrent uploads of the same bytes, interleaved on the wire, leave one blob", async () => {
    const bytes = randomBytes(3 * MiB);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post(bodyStream(bytes, 64 * 1024 + i * 1000, 1)).then((r) => r.status)),
    );
    assert.deepEqual(statuses.sort(), [200, 200, 200, 200, 200, 201]);
    assert.equal((await blobNames(server.dataDir)).filter((n) => n === sha256(bytes)).length, 1);
    assert.deepEqual(await tempFilesIn(server.dataDir), []);
  });

  test("the limit hit mid-stream → 413, nothing left behind, and the server goes on serving", async () => {
    const before = await blobNames(server.dataDir);
    const bytes = randomBytes(40 * MiB);
    let status: number | string;
    try {
      const res = await post(bodyStream(bytes, MiB));
      status = res.status;
      const problem = (await res.json()) as { type: string };
      assert.equal(problem.type, "urn:rmos:problem:attachment-too-large");
    } catch (error) {
      // A client still sending when the server closes may see the reset before the answer.
      status = `reset: ${(error as Error).message}`;
    }
    assert.equal(status, 413);
    await sleep(50);
    assert.deepEqual(await blobNames(server.dataDir), before);
    assert.deepEqual(await tempFilesIn(server.dataDir), []);
    const declared = await post(new Uint8Array(16 * MiB + 1));
    assert.equal(declared.status, 413, "a declared Content-Length over the limit is refused before reading");
    const ok = await post(new Uint8Array(100));
    assert.ok([200, 201].includes(ok.status));
  });

  test("raw request paths with traversal in the sha segment → 400/404, never 500, never outside the data root", async () => {
    const bytes = randomBytes(100);
    const up = (await (await post(bytes)).json()) as { sha256: string; size_bytes: number };
    const run = await fetch(
      `${server.baseUrl}/runs`,
      jsonBody(sampleRunRequest({ attachments: [{ ...up, kind: "k", mime: "text/plain", filename: "a.txt" }] })),
    );
    const { run_id } = (await run.json()) as { run_id: string };
    const { port } = server.server;
    const base = `/api/rmos/runs/${run_id}/attachments/`;
    const raw = [
      "..",
      "%2e%2e",
      "%2E%2E",
      ".%2e",
      "../../../../etc/passwd",
      "..%2f..%2f..%2fetc%2fpasswd",
      "..%5c..%5cetc",
      `${up.sha256.slice(0, 2)}/${up.sha256}`,
      `${up.sha256}%00`,
      `%2e%2e%2fblobs%2f${up.sha256.slice(0, 2)}%2f${up.sha256}`,
      `${up.sha256.slice(0, 63)}․`,
    ];
    const dotSegments = new Set(["..", "%2e%2e", "%2E%2E", ".%2e"]);
    for (const p of raw) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port, method: "GET", path: encodeURI(base + p).replace(/%25/g, "%") },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end();
      });
      if (dotSegments.has(p)) {
        // URL parsing resolves a dot segment before routing: the request names the run itself
        // (with a trailing slash), never the blob store. Any refusal but a 5xx will do.
        assert.ok(status >= 400 && status < 500, `${p} answered ${status}`);
      } else {
        assert.ok([400, 404].includes(status), `${p} answered ${status}`);
      }
    }
  });

  test("a client that disconnects mid-upload leaves nothing behind", async () => {
    const before = await blobNames(server.dataDir);
    const controller = new AbortController();
    const bytes = randomBytes(8 * MiB);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await sleep(2);
        if (sent >= 2 * MiB) {
          controller.abort();
          return;
        }
        c.enqueue(bytes.slice(sent, sent + 128 * 1024));
        sent += 128 * 1024;
      },
    });
    await assert.rejects(post(body, { signal: controller.signal }));
    for (let i = 0; i < 50 && (await tempFilesIn(server.dataDir)).length > 0; i++) await sleep(20);
    assert.deepEqual(await tempFilesIn(server.dataDir), []);
    assert.deepEqual(await blobNames(server.dataDir), before);
  });
});
