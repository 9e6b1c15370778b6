/**
 * The runs plugin: write-once run artifacts — create, get, list, verify — on the
 * embedded store (date-partitioned files + SQLite index). It provides RUN_STORE and
 * the RUN_VERIFIERS extension point for the other plugins, and the `rmos verify` and
 * `rmos reindex` commands.
 */
import { randomUUID } from "node:crypto";
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import type { SqliteDatabase } from "../../contracts/ports/database.js";
import { DATABASE } from "../../contracts/ports/database.js";
import { IDEMPOTENCY_STORE } from "../../contracts/ports/idempotency_store.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS, RunVerifierRegistry } from "../../contracts/ports/run_verifiers.js";
import type { Plugin, PluginContext } from "../../kernel/plugin.js";
import { reindexCommand, verifyCommand } from "./commands.js";
import { coreRunVerifier } from "./core_verifier.js";
import { EmbeddedRunStore } from "./embedded_store.js";
import { registerRunsRoutes } from "./handlers.js";
import { IdempotencyGate } from "./idempotency.js";
import { RunsService } from "./service.js";
import { SqliteIdempotencyStore } from "./sqlite_idempotency_store.js";

/** The boot id of this process: in-flight idempotency reservations of other boots are stale. */
const BOOT_ID = randomUUID();

function servicesOf(ctx: PluginContext): RunsService {
  const store = ctx.resolve(RUN_STORE);
  const idempotency = new IdempotencyGate(ctx.resolve(IDEMPOTENCY_STORE), store, BOOT_ID);
  return new RunsService({
    store,
    verifiers: ctx.resolve(RUN_VERIFIERS),
    idempotency,
    blobs: () => ctx.resolveOptional(BLOB_STORE),
    upcaster: () => ctx.resolveOptional(ARTIFACT_UPCASTER),
  });
}

export const runsPlugin: Plugin = {
  name: "runs",
  dependsOn: [],
  migrations: new URL("./migrations/", import.meta.url),
  commands: [verifyCommand, reindexCommand],

  register(ctx) {
    const store = new EmbeddedRunStore({
      dataDir: ctx.config.dataDir,
      cacheBytes: ctx.config.cacheBytes,
      logger: ctx.logger,
    });
    const verifiers = new RunVerifierRegistry();
    verifiers.add(coreRunVerifier(verifiers, () => ctx.resolveOptional(ARTIFACT_UPCASTER)));
    ctx.provide(RUN_STORE, store);
    ctx.provide(RUN_VERIFIERS, verifiers);
    ctx.container.register(EmbeddedRunStore, { useValue: store });
  },

  routes(registrar, ctx) {
    let service: RunsService | undefined; // one per kernel, made on first request (after onReady)
    registerRunsRoutes(registrar, () => {
      service ??= servicesOf(ctx);
      return service;
    });
  },

  async onReady(ctx) {
    const database = ctx.resolve(DATABASE) as SqliteDatabase;
    ctx.provide(IDEMPOTENCY_STORE, new SqliteIdempotencyStore(database.db));
    await ctx.container.resolve(EmbeddedRunStore).open(database);
  },

  async onClose(ctx) {
    await ctx.resolve(RUN_STORE).close();
  },
};
