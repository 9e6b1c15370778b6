/**
 * Serving the kernel's app over HTTP on Node, with graceful shutdown: on SIGTERM or
 * SIGINT the server stops accepting connections, lets in-flight requests finish
 * (closing idle keep-alive connections at once), then closes the plugins and stores.
 * A second signal, or 10 seconds, forces the exit.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Kernel } from "./kernel.js";

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Stops accepting, waits for in-flight requests, closes the kernel. */
  close(): Promise<void>;
}

/** Starts serving `kernel` (already started) on its configured host and port. */
export async function listen(kernel: Kernel): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: kernel.app.fetch, hostname: kernel.config.host, port: kernel.config.port }, () =>
      resolve(s as Server),
    ) as Server;
    s.once("error", reject);
  });
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  const host = kernel.config.host.includes(":") ? `[${kernel.config.host}]` : kernel.config.host;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
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

/** Installs SIGTERM/SIGINT handlers that close `running` gracefully and exit. */
export function closeOnSignals(running: RunningServer, kernel: Kernel): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      kernel.logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    signalled = true;
    kernel.logger.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      kernel.logger.error("shutdown took longer than 10 s: exiting");
      process.exit(1);
    }, 10_000);
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
