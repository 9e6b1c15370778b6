/**
 * The runs plugin: write-once run artifacts — create, get, list, verify — on the store
 * its `storage.ts` picks for the configured database. It provides RUN_STORE, the
 * IDEMPOTENCY_STORE behind `Idempotency-Key`, and the RUN_VERIFIERS extension point
 * for the other plugins, and the `rmos verify` and `rmos reindex` commands. It checks
 * `attachments[]` against BLOB_STORE and upcasts through ARTIFACT_UPCASTER when the
 * plugins providing them are loaded (late: they consume RUN_STORE themselves), and
 * appends each run's leaf to TRANSPARENCY_LOG when the log plugin is loaded.
 */
import { randomUUID } from "node:crypto";
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import { DATABASE } from "../../contracts/ports/database.js";
import { IDEMPOTENCY_STORE } from "../../contracts/ports/idempotency_store.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS, RunVerifierRegistry } from "../../contracts/ports/run_verifiers.js";
import { LOG_RECORD_SOURCES } from "../../contracts/ports/log_record_sources.js";
import { TRANSPARENCY_LOG } from "../../contracts/ports/transparency_log.js";
import { bind, definePlugin, late, optional } from "../../kernel/plugin_api/plugin.js";
import { registerCacheMetrics } from "./cache_metrics.js";
import { cachedGetRun } from "./cached_get.js";
import { reindexCommand, verifyCommand } from "./commands.js";
import { coreRunVerifier } from "./core_verifier.js";
import { registerRunsRoutes } from "./handlers.js";
import { logRunVerifier } from "./log_verifier.js";
import { IdempotencyGate } from "./idempotency.js";
import { RunsService } from "./service.js";
import { runsStorage } from "./storage.js";

/** The boot id of this process: in-flight idempotency reservations of other boots are stale. */
const BOOT_ID = randomUUID();

export const runsPlugin = definePlugin({
  name: "runs",
  provides: [RUN_STORE, RUN_VERIFIERS, IDEMPOTENCY_STORE],
  consumes: {
    db: DATABASE,
    blobs: late(BLOB_STORE),
    upcaster: late(ARTIFACT_UPCASTER),
    log: optional(TRANSPARENCY_LOG),
    logSources: optional(LOG_RECORD_SOURCES),
  },
  migrations: {
    sqlite: new URL("./migrations/sqlite/", import.meta.url),
    postgres: new URL("./migrations/postgres/", import.meta.url),
  },
  commands: [verifyCommand, reindexCommand],

  init({ db, blobs, upcaster, log, logSources }, ctx) {
    const storage = runsStorage(db, ctx.config, ctx.logger, log);
    registerCacheMetrics(ctx.metrics, storage.cache);
    const verifiers = new RunVerifierRegistry();
    verifiers.add(coreRunVerifier(verifiers, upcaster));
    if (log) verifiers.add(logRunVerifier(log));
    const { logDigests } = storage;
    if (logSources && logDigests) {
      logSources.add({ name: "runs", types: ["run", "advisory_link"], digests: () => logDigests() });
    }
    const service = new RunsService({
      store: storage.runs,
      verifiers,
      idempotency: new IdempotencyGate(storage.idempotency, storage.runs, BOOT_ID),
      blobs,
      upcaster,
      log,
    });
    return {
      provide: [
        bind(RUN_STORE, storage.runs),
        bind(RUN_VERIFIERS, verifiers),
        bind(IDEMPOTENCY_STORE, storage.idempotency),
      ],
      routes: (r) => registerRunsRoutes(r, service, cachedGetRun(storage.cache, upcaster)),
      start: () => storage.open(),
      close: () => storage.close(),
    };
  },
});
