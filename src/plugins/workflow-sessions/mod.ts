/**
 * The workflow-sessions plugin: sessions that follow one job from design to completed
 * cut and link the runs made along the way. Unlike run artifacts, sessions change
 * state — every change is guarded by the session's version (If-Match) and by the state
 * machine, and recorded as an append-only event (whose transparency-log leaf commits
 * with it when the log plugin is loaded). It ships its SQL migrations per
 * backend (applied by the kernel's runner), provides SESSION_STORE (chosen by its
 * `storage.ts`) and checks named runs through the runs plugin's RUN_STORE.
 */
import { DATABASE } from "../../contracts/ports/database.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { SESSION_STORE } from "../../contracts/ports/session_store.js";
import { LOG_RECORD_SOURCES } from "../../contracts/ports/log_record_sources.js";
import { TRANSPARENCY_LOG } from "../../contracts/ports/transparency_log.js";
import { bind, definePlugin, optional } from "../../kernel/plugin_api/plugin.js";
import { registerSessionRoutes } from "./handlers.js";
import { sessionEventDigests } from "./log_digests.js";
import { WorkflowSessionsService } from "./service.js";
import { sessionStorage } from "./storage.js";

export const workflowSessionsPlugin = definePlugin({
  name: "workflow-sessions",
  provides: [SESSION_STORE],
  consumes: {
    db: DATABASE,
    runs: RUN_STORE,
    log: optional(TRANSPARENCY_LOG),
    logSources: optional(LOG_RECORD_SOURCES),
  },
  migrations: {
    sqlite: new URL("./migrations/sqlite/", import.meta.url),
    postgres: new URL("./migrations/postgres/", import.meta.url),
  },

  init({ db, runs, log, logSources }) {
    const store = sessionStorage(db, log);
    logSources?.add({ name: "workflow-sessions", types: ["session_event"], digests: () => sessionEventDigests(store) });
    const service = new WorkflowSessionsService({ store, runs });
    return {
      provide: [bind(SESSION_STORE, store)],
      routes: (r) => registerSessionRoutes(r, service),
    };
  },
});
