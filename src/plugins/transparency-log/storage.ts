/**
 * The transparency log's storage, chosen in this one place from the configured
 * database: on SQLite, the log's tables live in the kernel's database file so that a
 * record plugin can append its leaf inside the transaction that stores its row
 * (`appendInTransaction`); on PostgreSQL, in the shared database, where a record
 * store appends inside its own transaction (`appendWithClient`) and the database
 * decides the leaf order for every instance. The log is opened in `start` (it loads
 * or generates its signing key and signs the first checkpoint: I/O); until then the
 * handle refuses to answer.
 */
import type { Database } from "../../contracts/ports/database.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import type { PluginContext } from "../../kernel/plugin_api/plugin.js";
import { builtOnFirstUse, postgresPoolOf, sqliteConnectionOf } from "../../kernel/plugin_api/storage.js";
import type { LogRoutesService } from "./handlers.js";
import { type OpenedLog, openTransparencyLog } from "./open_log.js";
import { type OpenedPostgresLog, openPostgresTransparencyLog } from "./open_postgres_log.js";

/** The log of one kernel: the port (usable once started), the service for the routes, open and close. */
export interface LogStorage {
  /** The TRANSPARENCY_LOG binding: answers once `open` has run. */
  readonly log: TransparencyLog;
  /** The service behind the routes (throws before `open`). */
  service(): LogRoutesService;
  open(): Promise<void>;
  close(): Promise<void>;
}

/** The transparency log for `db`'s backend. */
export function logStorage(db: Database, ctx: PluginContext): LogStorage {
  switch (db.kind) {
    case "sqlite":
      return openedAtStart(async () => openTransparencyLog(sqliteConnectionOf(db), ctx));
    case "postgres":
      return openedAtStart(() => openPostgresTransparencyLog(postgresPoolOf(db), ctx));
  }
}

/** A log opened by `openLog` at start (once), whose handle and service refuse to answer before. */
function openedAtStart(openLog: () => Promise<OpenedLog | OpenedPostgresLog>): LogStorage {
  let opened: OpenedLog | OpenedPostgresLog | undefined;
  const service = (): LogRoutesService => {
    if (!opened) throw new Error("the transparency log is not open yet (the kernel has not started)");
    return opened.service;
  };
  return {
    log: builtOnFirstUse<TransparencyLog>(service),
    service,
    async open() {
      opened ??= await openLog();
    },
    async close() {
      await opened?.close();
    },
  };
}
