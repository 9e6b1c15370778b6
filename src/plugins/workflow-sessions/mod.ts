/**
 * The workflow-sessions plugin: sessions that follow one job from design to completed
 * cut and link the runs made along the way. Unlike run artifacts, sessions change
 * state — every change is guarded by the session's version (If-Match) and by the state
 * machine, and recorded as an append-only event. It ships its SQL migrations (applied
 * by the kernel's runner), provides SESSION_STORE (SQLite on the embedded backend) and
 * checks named runs through the runs plugin's RUN_STORE.
 */
import { DATABASE } from "../../contracts/ports/database.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { SESSION_STORE } from "../../contracts/ports/session_store.js";
import type { Plugin } from "../../kernel/plugin.js";
import { registerSessionRoutes } from "./handlers.js";
import { WorkflowSessionsService } from "./service.js";
import { SqliteSessionStore } from "./sqlite_session_store.js";

export const workflowSessionsPlugin: Plugin = {
  name: "workflow-sessions",
  dependsOn: ["runs"],
  migrations: new URL("./migrations/", import.meta.url),

  register() {
    // Nothing to bind before I/O: the store needs the database, opened in onReady.
  },

  routes(registrar, ctx) {
    let service: WorkflowSessionsService | undefined; // one per kernel, made on first request (after onReady)
    registerSessionRoutes(registrar, () => {
      service ??= new WorkflowSessionsService({ store: ctx.resolve(SESSION_STORE), runs: ctx.resolve(RUN_STORE) });
      return service;
    });
  },

  async onReady(ctx) {
    const database = ctx.resolve(DATABASE);
    if (database.kind !== "sqlite") {
      throw new Error(`plugin "workflow-sessions" has no session store for a ${String(database.kind)} database yet`);
    }
    ctx.provide(SESSION_STORE, new SqliteSessionStore(database.db));
  },
};
