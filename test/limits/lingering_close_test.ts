/**
 * Refusals before the body is read reach a client that is still sending (RFC 9112
 * §9.6): 200 oversized POSTs through `fetch` and 200 through raw sockets that keep
 * writing, each must read a 413 problem+json — never EPIPE/ECONNRESET before the
 * answer. Bodies are declared with Content-Length (refused before a byte is read) and
 * sent chunked (refused once the limit is crossed). The same for a 415 (wrong media
 * type) and a 429 (over the rate), answered before a byte of the body is read.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../../src/testing/test_kernel.js";

const LIMIT = 64 * 1024;
const BODY = 4 * 1024 * 1024;
const ATTEMPTS = 200;
const CONCURRENCY = 4;
const PER_ATTEMPT_MS = 10_000;

let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  server = await startTestServer({
    env: { RMOS_MAX_BODY_BYTES: String(LIMIT), RMOS_LINGER_BYTES: String(1024 * 1024) },
  });
});
after(() => server.close());

/** Runs `attempt(i)` for i < count, `concurrency` at a time; collects failures. */
async function pool(count: number, concurrency: number, attempt: (i: number) => Promise<void>): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          attempt(i),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`attempt ${i} took over ${PER_ATTEMPT_MS} ms`)), PER_ATTEMPT_MS);
          }),
        ]);
      } catch (error) {
        failures.push(`#${i}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

function assertProblem413(status: number, contentType: string | null, body: string, where: string): void {
  assert.equal(status, 413, `${where}: status`);
  assert.match(contentType ?? "", /application\/problem\+json/, `${where}: content type`);
  const problem = JSON.parse(body) as { status: number; type: string };
  assert.equal(problem.status, 413, `${where}: problem status`);
  assert.equal(problem.type, "urn:rmos:problem:body-too-large");
}

/** A raw HTTP/1.1 POST that keeps writing its body until the server stops reading; resolves with what it read. */
function rawPost(port: number, chunked: boolean, contentType = "application/json"): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const complete = () => {
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return false;
      const length = /content-length: (\d+)/i.exec(received.slice(0, end));
      return length !== null && received.length >= end + 4 + Number(length[1]);
    };
    const pump = () => {
      while (sent < BODY && !socket.destroyed) {
        sent += chunk.length;
        const framed = chunked
          ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
          : chunk;
        if (!socket.write(framed)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (chunked && !socket.destroyed) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      socket.write(
        `POST /api/rmos/runs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${contentType}\r\n${
          chunked ? "transfer-encoding: chunked" : `content-length: ${BODY}`
        }\r\n\r\n`,
      );
      pump();
    });
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      received += d;
      if (complete()) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on("error", (error) => {
      if (complete()) resolve(received);
      else
        reject(
          new Error(`${(error as NodeJS.ErrnoException).code ?? error.message} after ${received.length} bytes read`),
        );
    });
    socket.on("close", () => {
      if (complete()) resolve(received);
      else reject(new Error(`closed after ${received.length} bytes read: ${JSON.stringify(received.slice(0, 80))}`));
    });
  });
}

/** A stream of `body` in 64 KiB chunks (so fetch sends it chunked). */
function chunkedBody(body: Buffer): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(body.subarray(sent, sent + 64 * 1024));
      sent += 64 * 1024;
      if (sent >= body.length) controller.close();
    },
  });
}

describe("oversized bodies are refused with a 413 the client reads", () => {
  test(`${ATTEMPTS} × fetch, Content-Length and chunked`, async () => {
    const body = Buffer.alloc(BODY, 0x20);
    const failures = await pool(ATTEMPTS, CONCURRENCY, async (i) => {
      const chunked = i % 2 === 1;
      const res = await fetch(`${server.baseUrl}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chunked ? chunkedBody(body) : body,
        ...(chunked ? { duplex: "half" } : {}),
      } as RequestInit);
      assertProblem413(res.status, res.headers.get("content-type"), await res.text(), `fetch #${i}`);
    });
    assert.deepEqual(failures, []);
  });

  test(`${ATTEMPTS} × raw sockets that keep writing`, async () => {
    const failures = await pool(ATTEMPTS, CONCURRENCY, async (i) => {
      const text = await rawPost(server.server.port, i % 2 === 1);
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      assertProblem413(status, /content-type: ([^\r]+)/i.exec(head)?.[1] ?? null, body, `raw #${i}`);
      assert.match(head, /connection: close/i, `raw #${i}: the server says it closes`);
    });
    assert.deepEqual(failures, []);
  });
});

describe("other refusals before the body is read reach a client still sending", () => {
  let other: Awaited<ReturnType<typeof startTestServer>>;
  before(async () => {
    // A body limit above the body, so that the media type (415) or the rate (429) refuses first.
    other = await startTestServer({
      env: { RMOS_RATE_LIMIT_PER_SECOND: "1", RMOS_RATE_LIMIT_BURST: "25", RMOS_LINGER_BYTES: String(1024 * 1024) },
    });
  });
  after(() => other.close());

  test("415 (wrong media type) and 429 (over the rate): 60 raw sockets", async () => {
    const seen: number[] = [];
    const failures = await pool(60, CONCURRENCY, async (i) => {
      const text = await rawPost(other.server.port, false, "text/plain");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      assert.match(head, /content-type: application\/problem\+json/i, `raw #${i}`);
      assert.match(head, /connection: close/i, `raw #${i}`);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      assert.ok(status === 415 || status === 429, `raw #${i}: ${status}`);
      assert.equal((JSON.parse(body) as { status: number }).status, status);
      seen.push(status);
    });
    assert.deepEqual(failures, []);
    assert.ok(seen.filter((st) => st === 415).length >= 25, "the burst: refused for the media type");
    assert.ok(seen.filter((st) => st === 429).length >= 20, "past the burst: refused for the rate");
  });
});
