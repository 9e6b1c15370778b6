/**
 * Serving the kernel's app over HTTP on Node, with the limits against slow and hostile
 * clients (src/kernel/http/) and a graceful, bounded stop.
 *
 * The node:http server is made here rather than by `serve()` of @hono/node-server so
 * that its options carry the connection limits (connection_limits.ts); the app is
 * reached through that package's request listener, with its own clean-up of unread
 * bodies turned off: ours replaces it (lingering_close.ts), because its clean-up
 * destroys the socket after 500 ms, which can reset a connection before the client has
 * read the refusal.
 *
 * On SIGTERM or SIGINT the server stops accepting connections, refuses new requests
 * on open ones with 503 (shutdown_gate.ts), lets in-flight requests finish, then closes
 * the plugins and stores. A second signal, or RMOS_SHUTDOWN_TIMEOUT_MS, forces the exit.
 *
 * Before the app, the kernel's answer of cached reads (http/cached_reads.ts) answers
 * the plain `GET`s it can answer exactly as the app would; every other request, and
 * every one it declines, goes to the app untouched.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { answerClientErrors, applyConnectionLimits, serverOptionsFor } from "./http/connection_limits.js";
import { lingeringResponseClass } from "./http/lingering_close.js";
import { ShutdownGate } from "./http/shutdown_gate.js";
import type { Kernel } from "./kernel.js";

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Stops accepting, refuses new requests, waits for in-flight ones, closes the kernel. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Answer cached reads before the framework (default: when the kernel has them, `kernel.cachedReads`). */
  readonly cachedReads?: boolean;
}

/** Starts serving `kernel` (already started) on its configured host and port. */
export async function listen(kernel: Kernel, options: ListenOptions = {}): Promise<RunningServer> {
  const limits = kernel.config.limits;
  const linger = { lingerMs: limits.lingerMs, lingerBytes: limits.lingerBytes };
  const gate = new ShutdownGate();
  const app = getRequestListener(kernel.app.fetch, { autoCleanupIncoming: false });
  const ServerResponse = lingeringResponseClass({ ...linger, closeAlways: () => gate.stopping });
  const cached = options.cachedReads === false ? undefined : kernel.cachedReads;
  const server = createServer({ ...serverOptionsFor(limits), ServerResponse }, (incoming, outgoing) => {
    if (gate.refuse(incoming, outgoing)) return;
    let answering: false | Promise<boolean> | undefined;
    try {
      answering = cached?.serve(incoming, outgoing, gate);
    } catch (error) {
      // Nothing was written: the framework answers (a fault here must not cost the request).
      kernel.logger.error({ err: error }, "cached read failed; answered by the framework");
      answering = false;
    }
    if (!answering) {
      void app(incoming, outgoing);
      return;
    }
    answering.then(
      (answered) => {
        if (!answered) void app(incoming, outgoing);
      },
      (error) => {
        // Nothing written yet: the framework answers (its error handler included); else the answer is cut.
        kernel.logger.error({ err: error }, "cached read failed");
        if (!outgoing.headersSent) void app(incoming, outgoing);
        else outgoing.destroy(error as Error);
      },
    );
  });
  applyConnectionLimits(server, limits);
  answerClientErrors(server, linger);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(kernel.config.port, kernel.config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = kernel.config.host.includes(":") ? `[${kernel.config.host}]` : kernel.config.host;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      gate.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await kernel.close();
    })();
    return closing;
  };
  return { server, port, url: `http://${host}:${port}`, close };
}

/** Installs SIGTERM/SIGINT handlers that close `running` gracefully and exit within the configured bound. */
export function closeOnSignals(running: RunningServer, kernel: Kernel): void {
  const boundMs = kernel.config.limits.shutdownTimeoutMs;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      kernel.logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    signalled = true;
    kernel.logger.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      kernel.logger.error({ bound_ms: boundMs }, "shutdown took longer than RMOS_SHUTDOWN_TIMEOUT_MS: exiting");
      kernel.logger.flush();
      process.exit(1);
    }, boundMs);
    force.unref();
    running.close().then(
      () => {
        kernel.logger.info("stopped");
        kernel.logger.flush();
        process.exit(0);
      },
      (error) => {
        kernel.logger.error({ err: error }, "error while stopping");
        kernel.logger.flush();
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
