/**
 * Retries against small loopback servers that misbehave on purpose: one drops the
 * first connection after reading the request (the answer is lost), one answers 503
 * first. The client must send the same request again with the SAME Idempotency-Key,
 * a bounded number of times, and must not repeat what is unsafe to repeat (a stream
 * upload, a client error, an aborted call).
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { after, describe, test } from "node:test";
import { createRmosClient } from "./client.js";
import { RmosConnectionError, RmosProblem } from "./problem.js";
import { DEFAULT_RETRY_POLICY, retryDelayMs } from "./retry.js";

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  authorization: string | undefined;
  bodyBytes: number;
}

/** A loopback server; `answer(n, req)` decides the n-th request's fate (1-based). */
async function misbehaving(
  answer: (n: number, res: http.ServerResponse) => "drop" | undefined,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    let bodyBytes = 0;
    for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      key: req.headers["idempotency-key"] as string | undefined,
      authorization: req.headers.authorization,
      bodyBytes,
    });
    if (answer(seen.length, res) === "drop") req.socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const created = (res: http.ServerResponse) => {
  res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ run_id: "run_0123456789ab" }));
  return undefined;
};
const unavailable = (res: http.ServerResponse) => {
  res
    .writeHead(503, { "content-type": "application/problem+json", "retry-after": "0" })
    .end(JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "draining" }));
  return undefined;
};
const runBody = { mode: "m", tool_id: "t", status: "OK" } as never;

describe("retries", () => {
  const servers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of servers) await close();
  });

  test("a dropped connection: runs.create is sent again with the same Idempotency-Key and the token", async () => {
    const s = await misbehaving((n, res) => (n === 1 ? "drop" : created(res)));
    servers.push(s.close);
    const client = createRmosClient({ baseUrl: s.url, token: "tok_secret", retryDelayMs: 1 });
    const run = await client.runs.create(runBody);
    assert.equal(run.run_id, "run_0123456789ab");
    assert.equal(s.seen.length, 2);
    assert.ok(s.seen[0]?.key && s.seen[0].key === s.seen[1]?.key, "the same generated key both times");
    assert.ok((s.seen[0]?.bodyBytes ?? 0) > 0 && s.seen[0]?.bodyBytes === s.seen[1]?.bodyBytes);
    assert.equal(s.seen[1]?.authorization, "Bearer tok_secret");
    assert.equal(s.seen[1]?.url, "/api/rmos/runs");
  });

  test("a 503: sent again with the caller's key; the Retry-After is honoured", async () => {
    const s = await misbehaving((n, res) => (n === 1 ? unavailable(res) : created(res)));
    servers.push(s.close);
    const client = createRmosClient({ baseUrl: s.url, retryDelayMs: 1 });
    await client.runs.create(runBody, { idempotencyKey: "order-17" });
    assert.deepEqual(
      s.seen.map((r) => r.key),
      ["order-17", "order-17"],
    );
  });

  test("bounded: a service that keeps answering 503 gives an RmosProblem after retries + 1 attempts", async () => {
    const s = await misbehaving((_n, res) => unavailable(res));
    servers.push(s.close);
    const client = createRmosClient({ baseUrl: s.url, retries: 2, retryDelayMs: 1 });
    const err = await client.runs.create(runBody).catch((e: unknown) => e);
    assert.ok(err instanceof RmosProblem);
    assert.equal(err.status, 503);
    assert.equal(err.detail, "draining");
    assert.equal(s.seen.length, 3);
    assert.equal(new Set(s.seen.map((r) => r.key)).size, 1);
  });

  test("bounded: a service that keeps dropping gives an RmosConnectionError naming the attempts", async () => {
    const s = await misbehaving(() => "drop");
    servers.push(s.close);
    const client = createRmosClient({ baseUrl: s.url, retries: 1, retryDelayMs: 1 });
    const err = await client.runs.get("run_0123456789ab").catch((e: unknown) => e);
    assert.ok(err instanceof RmosConnectionError);
    assert.equal(err.attempts, 2);
    assert.equal(s.seen.length, 2);
  });

  test("not retried: a client error, a stream upload, a non-idempotent POST, retries: 0, an aborted call", async () => {
    const s = await misbehaving((_n, res) => {
      res
        .writeHead(422, { "content-type": "application/problem+json" })
        .end(JSON.stringify({ type: "t", title: "x", status: 422, detail: "d" }));
      return undefined;
    });
    servers.push(s.close);
    const client = createRmosClient({ baseUrl: s.url, retryDelayMs: 1 });
    await assert.rejects(client.runs.create(runBody), RmosProblem);
    assert.equal(s.seen.length, 1);

    const dropping = await misbehaving(() => "drop");
    servers.push(dropping.close);
    const c2 = createRmosClient({ baseUrl: dropping.url, retryDelayMs: 1 });
    await assert.rejects(c2.attachments.upload(Readable.from([Buffer.from("once")]), { mime: "text/plain" }), {
      name: "RmosConnectionError",
    });
    assert.equal(dropping.seen.length, 1, "a stream is read once, so it is not sent again");
    await assert.rejects(
      c2.advisories.create({ asset_type: "EXPLANATION", source: "s", provider: "p", suggestion_data: {} }),
      RmosConnectionError,
    );
    assert.equal(dropping.seen.length, 2, "an advisory create could record a second asset: not repeated");
    const c3 = createRmosClient({ baseUrl: dropping.url, retries: 0 });
    await assert.rejects(c3.runs.create(runBody), RmosConnectionError);
    assert.equal(dropping.seen.length, 3);

    const controller = new AbortController();
    controller.abort(new Error("caller gave up"));
    await assert.rejects(c2.runs.get("run_0123456789ab", { signal: controller.signal }), /caller gave up/);
    assert.equal(dropping.seen.length, 3, "nothing sent after the abort");
  });

  test("bytes and file uploads are retried after a dropped connection (blobs are content-addressed)", async () => {
    const s = await misbehaving((n, res) => {
      if (n === 1) return "drop";
      res
        .writeHead(201, { "content-type": "application/json" })
        .end(JSON.stringify({ sha256: "a".repeat(64), size_bytes: 5, mime: "text/plain" }));
      return undefined;
    });
    servers.push(s.close);
    const client = createRmosClient({ baseUrl: s.url, retryDelayMs: 1 });
    const up = await client.attachments.upload(new TextEncoder().encode("hello"), { mime: "text/plain" });
    assert.equal(up.created, true);
    assert.deepEqual(
      s.seen.map((r) => r.bodyBytes),
      [5, 5],
    );
  });

  test("the backoff doubles, has jitter, is capped, and takes a numeric Retry-After", () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    for (let i = 0; i < 20; i++) {
      const d1 = retryDelayMs(p, 1);
      const d3 = retryDelayMs(p, 3);
      assert.ok(d1 >= 50 && d1 <= 100, `first ${d1}`);
      assert.ok(d3 >= 200 && d3 <= 400, `third ${d3}`);
    }
    assert.equal(retryDelayMs(p, 10), 1000);
    assert.equal(retryDelayMs(p, 1, "0"), 0);
    assert.equal(retryDelayMs(p, 1, "3600"), 1000, "a huge Retry-After is capped");
    const odd = retryDelayMs(p, 1, "Wed, 21 Oct 2015 07:28:00 GMT");
    assert.ok(odd >= 50 && odd <= 100, "a date Retry-After falls back to the backoff");
  });

  test("retries must be a small non-negative integer", () => {
    for (const retries of [-1, 1.5, 21, Number.NaN]) {
      assert.throws(() => createRmosClient({ baseUrl: "http://127.0.0.1:1", retries }), RangeError);
    }
  });
});
