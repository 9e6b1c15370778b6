/**
 * The console plugin: the auditor console at `/ui` (SPEC "Auditor console"). It consumes
 * only the kernel's web-surface registry (src/contracts/ports/web_surfaces.ts) and adds
 * one surface to it, whose pages read and write only through the service's own API,
 * dispatched in process with the signed-in person's credential. Its settings are
 * RMOS_CONSOLE_SECRET and RMOS_CONSOLE_SESSION_SECONDS (config.ts); `init` does no I/O,
 * `start` loads the session key (from the secret, or the key file under the data
 * directory, created once).
 */
import { WEB_SURFACES } from "../../contracts/ports/web_surfaces.js";
import { definePlugin } from "../../kernel/plugin_api/plugin.js";
import { ConsoleConfigSchema } from "./config.js";
import { createConsoleApp } from "./console_app.js";
import { EPHEMERAL_KEY, loadSessionKey } from "./session_key.js";

/** The path the console is served under. */
export const CONSOLE_PREFIX = "/ui";

/** The console plugin (see the module comment). */
export const consolePlugin = definePlugin({
  name: "console",
  consumes: { surfaces: WEB_SURFACES },

  init({ surfaces }, ctx) {
    const config = ctx.readConfig(ConsoleConfigSchema);
    // On PostgreSQL the service keeps no files: no key file either (see session_key.ts).
    const dataDir = ctx.backend === "sqlite" ? ctx.config.dataDir : undefined;
    const load = () => loadSessionKey({ secret: config.RMOS_CONSOLE_SECRET, dataDir });
    let key: Buffer | undefined;
    const app = createConsoleApp({
      key: () => {
        key ??= load().key;
        return key;
      },
      ttlSeconds: config.RMOS_CONSOLE_SESSION_SECONDS,
      logger: ctx.logger,
    });
    surfaces.add({ prefix: CONSOLE_PREFIX, fetch: async (request, api) => app.fetch(request, { api }) });
    return {
      async start() {
        const loaded = load();
        key = loaded.key;
        if (loaded.source === EPHEMERAL_KEY) {
          ctx.logger.warn(
            "console sessions are sealed under a key of this process only (no RMOS_CONSOLE_SECRET, no data directory): they end with the process and other instances refuse them; set RMOS_CONSOLE_SECRET, the same on every instance",
          );
        }
        ctx.logger.info(
          { session_key: loaded.source, session_seconds: config.RMOS_CONSOLE_SESSION_SECONDS },
          "console ready at /ui/",
        );
      },
    };
  },
});
