/**
 * The console plugin: the auditor console at `/ui` (SPEC "Auditor console"). It adds a
 * web surface (src/contracts/ports/web_surfaces.ts) whose pages read and write only
 * through the service's own API, dispatched in process with the signed-in person's
 * credential. Its settings are RMOS_CONSOLE_SECRET and RMOS_CONSOLE_SESSION_SECONDS
 * (config.ts); the session key is loaded when the service starts.
 */
import { WEB_SURFACES, WebSurfaceRegistry } from "../../contracts/ports/web_surfaces.js";
import type { Plugin } from "../../kernel/plugin.js";
import { ConsoleConfigSchema } from "./config.js";
import { createConsoleApp } from "./console_app.js";
import { loadSessionKey } from "./session_key.js";

/** The path the console is served under. */
export const CONSOLE_PREFIX = "/ui";

/** The console plugin (see the module comment). */
export const consolePlugin: Plugin = {
  name: "console",
  dependsOn: [],

  register(ctx) {
    const config = ctx.readConfig(ConsoleConfigSchema);
    let key: Buffer | undefined;
    const app = createConsoleApp({
      key: () => {
        key ??= loadSessionKey({ secret: config.RMOS_CONSOLE_SECRET, dataDir: ctx.config.dataDir }).key;
        return key;
      },
      ttlSeconds: config.RMOS_CONSOLE_SESSION_SECONDS,
      logger: ctx.logger,
    });
    let registry = ctx.resolveOptional(WEB_SURFACES);
    if (!registry) {
      registry = new WebSurfaceRegistry();
      ctx.provide(WEB_SURFACES, registry);
    }
    registry.add({ prefix: CONSOLE_PREFIX, fetch: async (request, api) => app.fetch(request, { api }) });
  },

  async onReady(ctx) {
    const config = ctx.readConfig(ConsoleConfigSchema);
    const { source } = loadSessionKey({ secret: config.RMOS_CONSOLE_SECRET, dataDir: ctx.config.dataDir });
    ctx.logger.info(
      { session_key: source, session_seconds: config.RMOS_CONSOLE_SESSION_SECONDS },
      "console ready at /ui/",
    );
  },
};
