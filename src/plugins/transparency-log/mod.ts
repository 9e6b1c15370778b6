/**
 * The transparency-log plugin: one append-only Merkle log of every audit-trail
 * record, signed checkpoints, the C2SP tlog-tiles read API, proofs and receipts. It
 * provides TRANSPARENCY_LOG (the record plugins consume it as optional and append
 * their leaves in the durable step that stores each record) and LOG_RECORD_SOURCES
 * (where they say how `rmos verify` enumerates their records); the store is chosen in
 * `storage.ts`, and the work is in the services (store, signer, service) so that this
 * definition stays thin.
 */
import { DATABASE } from "../../contracts/ports/database.js";
import { LOG_RECORD_SOURCES, LogRecordSources } from "../../contracts/ports/log_record_sources.js";
import { TRANSPARENCY_LOG } from "../../contracts/ports/transparency_log.js";
import { bind, definePlugin } from "../../kernel/plugin_api/plugin.js";
import { logCommand } from "./commands.js";
import { registerLogRoutes } from "./handlers.js";
import { logStorage } from "./storage.js";

export const transparencyLogPlugin = definePlugin({
  name: "transparency-log",
  provides: [TRANSPARENCY_LOG, LOG_RECORD_SOURCES],
  consumes: { db: DATABASE },
  backends: ["sqlite", "postgres"],
  migrations: {
    sqlite: new URL("./migrations/sqlite/", import.meta.url),
    postgres: new URL("./migrations/postgres/", import.meta.url),
  },
  commands: [logCommand],

  init({ db }, ctx) {
    const storage = logStorage(db, ctx);
    return {
      provide: [bind(TRANSPARENCY_LOG, storage.log), bind(LOG_RECORD_SOURCES, new LogRecordSources())],
      routes: (r) => registerLogRoutes(r, storage.service),
      start: () => storage.open(),
      close: () => storage.close(),
    };
  },
});
