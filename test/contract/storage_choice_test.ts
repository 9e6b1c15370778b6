/**
 * Each plugin chooses its stores in one place (its `storage.ts`) from the configured
 * backend: the embedded stores for SQLite and the PostgreSQL stores for PostgreSQL, each
 * made without I/O (a PostgreSQL store is built on first use, after the kernel opened
 * the pool). Also the two helpers of the storage toolkit: the refusal a plugin gives
 * for a backend it has no store for, and a store built on first use.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../src/kernel/config.js";
import { SqliteDatabase } from "../../src/kernel/db/sqlite.js";
import { createLogger } from "../../src/kernel/logger.js";
import type { PluginContext } from "../../src/kernel/plugin_api/plugin.js";
import { Registry } from "prom-client";
import { PostgresDatabase } from "../../src/kernel/db/postgres/database.js";
import { builtOnFirstUse, noStoreFor, StorageBackendError } from "../../src/kernel/plugin_api/storage.js";
import { advisoryStorage } from "../../src/plugins/advisory/storage.js";
import { FileAdvisoryStore } from "../../src/plugins/advisory/file_store.js";
import { EmbeddedBlobStore } from "../../src/plugins/attachments/embedded_blob_store.js";
import { blobStorage } from "../../src/plugins/attachments/storage.js";
import { EmbeddedRunStore } from "../../src/plugins/runs/embedded_store.js";
import { runsStorage } from "../../src/plugins/runs/storage.js";
import { sessionStorage } from "../../src/plugins/workflow-sessions/storage.js";
import { logStorage } from "../../src/plugins/transparency-log/storage.js";

const config = loadConfig({ LOG_LEVEL: "silent", RMOS_DATA_DIR: "/nonexistent/rmos-data" });
const logger = createLogger("silent", 2);
/** A plugin context for the choices that take one (only read when a store is opened). */
const contextOf = (name: string): PluginContext => ({
  name,
  config,
  backend: "postgres",
  logger,
  metrics: new Registry(),
  readConfig: () => {
    throw new Error("not read by the storage choice");
  },
});

test("on SQLite each plugin picks its embedded stores, without I/O", () => {
  const sqlite = new SqliteDatabase("/nonexistent/rmos.db");
  assert.ok(runsStorage(sqlite, config, logger).runs instanceof EmbeddedRunStore);
  assert.ok(blobStorage(sqlite, config, logger).store instanceof EmbeddedBlobStore);
  assert.ok(advisoryStorage(sqlite, config, logger).store instanceof FileAdvisoryStore);
  const log = logStorage(sqlite, contextOf("transparency-log"));
  assert.throws(() => log.log.origin, /not open yet/, "the log answers once started");
  const sessions = sessionStorage(sqlite);
  assert.throws(() => sessions.get("wfs_x"), /the database is not open yet/, "built on first use, after start");
});

test("on PostgreSQL each plugin picks its PostgreSQL stores, built on first use once the pool is open", async () => {
  // Not opened: a store that touched the database at choice time would throw here.
  const postgres = new PostgresDatabase("postgres://rmos@127.0.0.1:1/rmos");
  const stores: Array<[string, () => Promise<unknown>]> = [
    ["runs", async () => runsStorage(postgres, config, logger).runs.get("run_x")],
    ["attachments", async () => blobStorage(postgres, config, logger).store.stat("0".repeat(64))],
    ["advisory", async () => advisoryStorage(postgres, config, logger).store.getAsset("adv_x")],
    ["workflow-sessions", async () => sessionStorage(postgres).get("wfs_x")],
    ["transparency-log", async () => logStorage(postgres, contextOf("transparency-log")).open()],
  ];
  for (const [plugin, use] of stores) {
    await assert.rejects(use(), /the database is not open yet/, plugin);
  }
  // Before `open`, the log's handle refuses to answer rather than touch the database.
  assert.throws(
    () => logStorage(postgres, contextOf("transparency-log")).log.origin,
    /the transparency log is not open yet/,
  );
});

test("a plugin without a store for a backend refuses, naming itself and the backend", () => {
  const error = noStoreFor("transparency-log", "postgres");
  assert.ok(error instanceof StorageBackendError);
  assert.match(error.message, /plugin "transparency-log" has no store for a postgres database/);
});

test("builtOnFirstUse builds once, on the first read, and binds methods to the built store", () => {
  let builds = 0;
  class Counter {
    #n = 0;
    next(): number {
      this.#n++;
      return this.#n;
    }
  }
  const counter = builtOnFirstUse(() => {
    builds++;
    return new Counter();
  });
  assert.equal(builds, 0);
  const next = counter.next;
  assert.equal(next(), 1, "a detached method still reaches the private state");
  assert.equal(counter.next(), 2);
  assert.equal(builds, 1);
});
