/**
 * Test support: one HTTP request through node:http, with the answer as it came on the
 * wire — status, header fields in order with their spelling (`rawHeaders`), body bytes —
 * and that answer with what differs between two equal answers masked (the `Date`
 * header; the request id, generated per request, in its header and in a problem body),
 * so that the answers of two servers to the same request can be compared byte for byte.
 */
import http from "node:http";

export interface RawAnswer {
  readonly status: number;
  /** Header names and values as sent, alternating (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * Sends one request to `url` on a fresh keep-alive connection (so that an answer that
 * closes its connection shows it) and reads the whole answer.
 */
export function rawRequest(url: string, request: RawRequest = {}): Promise<RawAnswer> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<RawAnswer>((resolve, reject) => {
    // The request target as written (a URL string would be normalised: dot segments resolved).
    const [, hostname, port, path] = /^http:\/\/([^/:]+):(\d+)(\/.*)$/.exec(url) ?? [];
    if (path === undefined) throw new Error(`rawRequest needs http://host:port/path, got ${url}`);
    const options = { hostname, port: Number(port), path, method: request.method ?? "GET", agent };
    const req = http.request({ ...options, headers: request.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(request.body);
  }).finally(() => agent.destroy());
}

/** The value of header `name` (any case) of `answer`, or undefined. */
export function rawHeader(answer: RawAnswer, name: string): string | undefined {
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    if ((answer.rawHeaders[i] as string).toLowerCase() === name.toLowerCase()) return answer.rawHeaders[i + 1];
  }
  return undefined;
}

/** `answer` as text, with its `Date` value and its generated request id (header and body) masked. */
export function comparable(answer: RawAnswer, keepRequestId = false): string {
  const id = rawHeader(answer, "x-request-id");
  const mask = (text: string) => (id && !keepRequestId ? text.split(id).join("<request-id>") : text);
  const lines = [`${answer.status}`];
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    const name = answer.rawHeaders[i] as string;
    lines.push(`${name}: ${name.toLowerCase() === "date" ? "<date>" : mask(answer.rawHeaders[i + 1] as string)}`);
  }
  lines.push("", mask(answer.body.toString("utf8")));
  return lines.join("\n");
}
