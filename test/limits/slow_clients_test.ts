/**
 * Slow and idle clients, on real sockets with short timeouts: headers that never end
 * and a trickled body get a 408 problem+json (or a clean close) and the socket is
 * released; an idle keep-alive connection is closed; connections above the cap are
 * dropped on arrival; headers too large get a 431 problem+json; the server answers
 * normally afterwards.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../../src/testing/test_kernel.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
let port = 0;

before(async () => {
  server = await startTestServer({
    env: {
      RMOS_HEADERS_TIMEOUT_MS: "300",
      RMOS_REQUEST_TIMEOUT_MS: "700",
      RMOS_KEEP_ALIVE_TIMEOUT_MS: "300",
      RMOS_MAX_CONNECTIONS: "6",
      RMOS_LINGER_MS: "300",
      RMOS_MAX_HEADER_BYTES: "4096",
    },
  });
  port = server.server.port;
});
after(() => server.close());

interface Outcome {
  readonly text: string;
  /** How the connection ended: "end" (FIN from the server), "error:<code>". */
  readonly ended: string;
  readonly ms: number;
}

/** Opens a socket, runs `drive`, and resolves once the server ends the connection (or `limitMs` passes). */
function converse(drive: (socket: net.Socket) => void, limitMs = 5000): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    let done = false;
    const finish = (ended: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, ended, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish("held open"), limitMs);
    socket.setEncoding("latin1");
    socket.on("connect", () => drive(socket));
    socket.on("data", (d: string) => {
      text += d;
    });
    socket.on("end", () => finish("end"));
    socket.on("error", (e: NodeJS.ErrnoException) => finish(`error:${e.code}`));
    socket.on("close", () => finish("close"));
  });
}

function problemOf(text: string): { status: number; head: string; problem: { status: number; type: string } } {
  const [head = "", body = ""] = text.split("\r\n\r\n");
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    head,
    problem: JSON.parse(body) as { status: number; type: string },
  };
}

describe("slow and idle clients", () => {
  test("headers that never end: 408 problem+json, then the connection is closed", async () => {
    const out = await converse((s) => s.write("POST /api/rmos/runs HTTP/1.1\r\nhost: 127.0.0.1\r\n"));
    assert.equal(out.ended, "end", `ended by the server with a FIN (${out.ended})`);
    const p = problemOf(out.text);
    assert.equal(p.status, 408);
    assert.match(p.head, /content-type: application\/problem\+json/i);
    assert.equal(p.problem.type, "urn:rmos:problem:request-timeout");
    assert.ok(out.ms < 3000, `closed in ${out.ms} ms`);
  });

  test("a trickled body: 408 problem+json or a clean close, never a held socket", async () => {
    let trickle: NodeJS.Timeout | undefined;
    const out = await converse((s) => {
      s.write(
        "POST /api/rmos/runs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{",
      );
      trickle = setInterval(() => {
        if (!s.destroyed) s.write(" ");
      }, 50);
    });
    clearInterval(trickle);
    assert.ok(out.ms < 3000, `released in ${out.ms} ms (${out.ended})`);
    if (out.text.length > 0) {
      const p = problemOf(out.text);
      assert.equal(p.status, 408);
      assert.equal(p.problem.type, "urn:rmos:problem:request-timeout");
    } else {
      assert.equal(out.ended, "end", "a clean close (FIN), not a reset");
    }
  });

  test("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
    const out = await converse((s) => s.write("GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"));
    assert.match(out.text, /^HTTP\/1\.1 200/);
    assert.equal(out.ended, "end");
    assert.ok(out.ms >= 250 && out.ms < 2500, `closed after ${out.ms} ms`);
  });

  test("headers larger than the limit: 431 problem+json", async () => {
    const out = await converse((s) =>
      s.write(`GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${"a".repeat(8000)}\r\n\r\n`),
    );
    const p = problemOf(out.text);
    assert.equal(p.status, 431);
    assert.equal(p.problem.type, "urn:rmos:problem:headers-too-large");
  });

  test("connections above the cap are dropped on arrival; below it the server answers", async () => {
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const s = net.connect(port, "127.0.0.1");
        await new Promise((r) => s.once("connect", r));
        s.on("error", () => {});
        held.push(s);
      }
      await new Promise((r) => setTimeout(r, 50));
      const over = await converse((s) => s.write("GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"), 2000);
      assert.equal(over.text, "", "nothing answered above the cap");
      assert.notEqual(over.ended, "held open");
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`${server.server.url}/healthz`);
    assert.equal(res.status, 200);
  });

  test("after all that, the server still answers", async () => {
    const res = await fetch(`${server.baseUrl}/runs?limit=1`);
    assert.equal(res.status, 200);
  });
});
