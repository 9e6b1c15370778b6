/**
 * The transparency-log plugin: one append-only Merkle log of every audit-trail
 * record, signed checkpoints, the C2SP tlog-tiles read API, proofs and receipts. It
 * provides TRANSPARENCY_LOG; the work is in the services (store, signer, service) so
 * that this definition stays thin.
 */
import { DATABASE } from "../../contracts/ports/database.js";
import { TRANSPARENCY_LOG } from "../../contracts/ports/transparency_log.js";
import type { Plugin } from "../../kernel/plugin.js";
import { logCommand } from "./commands.js";
import { registerLogRoutes } from "./handlers.js";
import { openTransparencyLog, type OpenedLog } from "./open_log.js";

const opened = new WeakMap<object, OpenedLog>();

export const transparencyLogPlugin: Plugin = {
  name: "transparency-log",
  dependsOn: [],
  migrations: new URL("./migrations/", import.meta.url),
  commands: [logCommand],

  register() {
    // Nothing to bind before I/O: the store needs the database, opened in onReady.
  },

  routes(registrar, ctx) {
    registerLogRoutes(registrar, () => {
      const log = opened.get(ctx.container);
      if (!log) throw new Error("the transparency log is not open yet");
      return log.service;
    });
  },

  async onReady(ctx) {
    const log = openTransparencyLog(ctx.resolve(DATABASE), ctx);
    opened.set(ctx.container, log);
    ctx.provide(TRANSPARENCY_LOG, log.service);
  },

  async onClose(ctx) {
    opened.get(ctx.container)?.close();
  },
};
