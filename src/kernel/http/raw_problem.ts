/**
 * Problem+json answers written below the app: by the server itself when it refuses a
 * request the app never sees (a header or request timeout, headers too large, a bad
 * request line, a request that arrives while the service is stopping). They have the
 * same shape as the app's problems (src/kernel/problems.ts): type, title, status,
 * detail, instance and a request id, so a client handles them the same way.
 */
import { randomUUID } from "node:crypto";
import { PROBLEM_MEDIA_TYPE } from "../../contracts/http.js";
import { ProblemError } from "../../contracts/problem.js";

/** The body and headers of a problem answered outside the app. */
export interface RawProblem {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Builds a problem+json answer; `instance` is the request path when known. */
export function rawProblem(
  status: number,
  detail: string,
  options: { slug?: string; instance?: string; headers?: Record<string, string> } = {},
): RawProblem {
  const requestId = randomUUID();
  const problem = {
    ...new ProblemError(status, detail, options.slug ? { slug: options.slug } : {}).toProblem(),
    ...(options.instance ? { instance: options.instance } : {}),
    request_id: requestId,
  };
  const body = JSON.stringify(problem);
  return {
    status,
    body,
    headers: {
      "content-type": PROBLEM_MEDIA_TYPE,
      "content-length": String(Buffer.byteLength(body)),
      "x-request-id": requestId,
      connection: "close",
      ...options.headers,
    },
  };
}

/** The problem as raw HTTP/1.1 bytes, for a socket that has no response object. */
export function rawProblemBytes(problem: RawProblem, reason: string): string {
  const head = Object.entries(problem.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return `HTTP/1.1 ${problem.status} ${reason}\r\n${head}\r\n${problem.body}`;
}
