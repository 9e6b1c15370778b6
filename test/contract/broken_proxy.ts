/**
 * Test support: a loopback HTTP proxy in front of the real service that can be made to
 * break the contract on purpose — answer a request itself, rewrite a request body
 * before forwarding it, or rewrite an answer's body on the way back. The compliance
 * kit must catch each such server. It also records the method and path of every
 * request, so a test can prove what the kit sent.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** An answer the proxy gives itself. */
export interface DirectAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** How the proxy misbehaves; each hook returns undefined to pass things through unchanged. */
export interface ProxyRules {
  /** Answer directly (the service never sees the request). */
  answer?(method: string, path: string): DirectAnswer | undefined;
  /** A replacement for the request body. */
  rewriteRequest?(method: string, path: string, body: Buffer): Buffer | undefined;
  /** A replacement for the answer's body. */
  rewriteResponse?(method: string, path: string, status: number, body: Buffer): Buffer | undefined;
}

/** A running proxy. */
export interface RunningProxy {
  readonly url: string;
  /** `METHOD path` of every request received. */
  readonly seen: string[];
  close(): Promise<void>;
}

const HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "content-encoding"]);

/**
 * Sends one request upstream on its own connection (no keep-alive pool, so that no
 * half-sent body keeps the service from closing) and reads the whole answer.
 */
function forward(
  upstream: string,
  method: string,
  path: string,
  headers: http.IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const sendHeaders: Record<string, string> = { connection: "close" };
  for (const [k, v] of Object.entries(headers)) if (!HOP.has(k) && typeof v === "string") sendHeaders[k] = v;
  if (body.length > 0) sendHeaders["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(`${upstream}${path}`, { method, headers: sendHeaders, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body.length > 0 ? body : undefined);
  });
}

/** Starts a proxy to `upstream` (an origin) on 127.0.0.1 with an ephemeral port. */
export async function startProxy(upstream: string, rules: ProxyRules = {}): Promise<RunningProxy> {
  const seen: string[] = [];
  const server = http.createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    seen.push(`${method} ${path}`);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const direct = rules.answer?.(method, path);
      if (direct) {
        res.writeHead(direct.status, direct.headers ?? {}).end(direct.body ?? "");
        return;
      }
      let body: Buffer | undefined = Buffer.concat(chunks);
      body = rules.rewriteRequest?.(method, path, body) ?? body;
      const upstreamRes = await forward(upstream, method, path, req.headers, body);
      let out: Buffer = upstreamRes.body;
      out = rules.rewriteResponse?.(method, path, upstreamRes.status, out) ?? out;
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(upstreamRes.headers)) {
        if (!HOP.has(k) && typeof v === "string") outHeaders[k] = v;
      }
      outHeaders["content-length"] = String(out.length);
      res.writeHead(upstreamRes.status, outHeaders).end(upstreamRes.status === 304 ? undefined : out);
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" }).end(String(error));
    }
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

/** Rewrites a JSON body with `edit`; leaves anything that is not a JSON object alone. */
export function editJson(body: Buffer, edit: (value: Record<string, any>) => void): Buffer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  edit(value as Record<string, any>);
  return Buffer.from(JSON.stringify(value));
}
