/**
 * The gate a stopping server puts in front of the app: once `stop()` is called, a
 * request that arrives on a connection still open (a keep-alive one) is refused with
 * 503 problem+json and `Retry-After` — nothing of it is done, so nothing is acknowledged
 * that is not stored — and every response, including those of requests in flight, says
 * `Connection: close`, so that connections end as their last response goes out instead
 * of idling until the keep-alive timeout.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { rawProblem } from "./raw_problem.js";

/** Seconds a client is told to wait before retrying on another instance or after the restart. */
const RETRY_AFTER_SECONDS = 5;

export class ShutdownGate {
  #stopping = false;

  /** Whether the server is stopping. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** From now on, new requests are refused and every response closes its connection. */
  stop(): void {
    this.#stopping = true;
  }

  /** Refuses the request when stopping (answers it, and returns true); else returns false. */
  refuse(incoming: IncomingMessage, outgoing: ServerResponse): boolean {
    if (!this.#stopping) return false;
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    const p = rawProblem(503, "the service is stopping; retry shortly", {
      slug: "stopping",
      instance: path,
      headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
    });
    outgoing.writeHead(p.status, p.headers);
    outgoing.end(p.body);
    return true;
  }
}
