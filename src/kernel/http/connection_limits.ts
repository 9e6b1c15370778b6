/**
 * Bounds on connections and on slow clients: how long the request line and headers may
 * take, how long a whole request may take (a trickled body), how long an idle
 * keep-alive connection is kept, how many connections are open at once, and how large
 * the request line and headers may be.
 *
 * Node's HTTP server enforces them (headersTimeout, requestTimeout, keepAliveTimeout,
 * maxConnections, maxHeaderSize); what Node does not do is answer in problem+json: its
 * own answers to a timeout (408), to headers too large (431) or to a malformed request
 * (400) are bare. `answerClientErrors` replaces them with problem+json answers and,
 * since the client may still be sending, closes with a bounded linger
 * (lingering_close.ts) rather than at once. Connections above the cap are dropped on
 * arrival by Node, before a byte is read — there is nothing to answer them with that
 * would not cost what the cap protects.
 */
import type { Server, ServerOptions } from "node:http";
import type { Socket } from "node:net";
import type { HttpLimits } from "../config.js";
import { type LingerOptions, lingerThenDestroy } from "./lingering_close.js";
import { rawProblem, rawProblemBytes } from "./raw_problem.js";

/** The node:http server options that enforce `limits`. */
export function serverOptionsFor(limits: HttpLimits): ServerOptions {
  const requestTimeout = limits.requestTimeoutMs;
  // Node requires headersTimeout ≤ requestTimeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs, requestTimeout);
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // Node checks both timeouts on this interval (30 s by default): a quarter of the
    // shorter one keeps the overshoot small, within 50 ms … 1 s.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}

/** Applies the settings that are properties rather than options. */
export function applyConnectionLimits(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}

/** The problem for an error Node reports on a connection, by its code. */
function problemFor(code: string | undefined): { status: number; reason: string; detail: string; slug: string } {
  switch (code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        reason: "Request Timeout",
        detail:
          "the request (headers or body) did not arrive in time; see RMOS_HEADERS_TIMEOUT_MS and RMOS_REQUEST_TIMEOUT_MS",
        slug: "request-timeout",
      };
    case "HPE_HEADER_OVERFLOW":
      return {
        status: 431,
        reason: "Request Header Fields Too Large",
        detail: "the request line and headers are larger than the limit (RMOS_MAX_HEADER_BYTES)",
        slug: "headers-too-large",
      };
    default:
      return {
        status: 400,
        reason: "Bad Request",
        detail: "the request is not valid HTTP/1.1",
        slug: "malformed-request",
      };
  }
}

/**
 * Answers connection-level errors (timeouts, headers too large, malformed requests)
 * with problem+json when nothing of a response was written yet, then closes the
 * connection with a bounded linger. Connections reset by the peer are just destroyed.
 */
export function answerClientErrors(server: Server, linger: LingerOptions): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === "ECONNRESET" || error.code === "EPIPE" || !socket.writable) {
      socket.destroy();
      return;
    }
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!inFlight?.headersSent) {
      const p = problemFor(error.code);
      socket.write(rawProblemBytes(rawProblem(p.status, p.detail, { slug: p.slug }), p.reason));
    }
    lingerThenDestroy(socket, undefined, linger);
  });
}
