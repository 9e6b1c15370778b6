/**
 * Each plugin chooses its stores in one place (its `storage.ts`) from the configured
 * backend: the embedded stores for SQLite, and for PostgreSQL — whose stores are not in
 * this build — a clear refusal naming the plugin. Also the two helpers of the storage
 * toolkit those choices use: the refusal itself, and a store built on first use.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Database } from "../../src/contracts/ports/database.js";
import { loadConfig } from "../../src/kernel/config.js";
import { SqliteDatabase } from "../../src/kernel/db/sqlite.js";
import { createLogger } from "../../src/kernel/logger.js";
import { builtOnFirstUse, StorageBackendError } from "../../src/kernel/plugin_api/storage.js";
import { advisoryStorage } from "../../src/plugins/advisory/storage.js";
import { FileAdvisoryStore } from "../../src/plugins/advisory/file_store.js";
import { EmbeddedBlobStore } from "../../src/plugins/attachments/embedded_blob_store.js";
import { blobStorage } from "../../src/plugins/attachments/storage.js";
import { EmbeddedRunStore } from "../../src/plugins/runs/embedded_store.js";
import { runsStorage } from "../../src/plugins/runs/storage.js";
import { sessionStorage } from "../../src/plugins/workflow-sessions/storage.js";

const config = loadConfig({ LOG_LEVEL: "silent", RMOS_DATA_DIR: "/nonexistent/rmos-data" });
const logger = createLogger("silent", 2);
/** A handle of the postgres kind: only its `kind` is read by the choices. */
const postgres = { kind: "postgres" } as unknown as Database;

test("on SQLite each plugin picks its embedded stores, without I/O", () => {
  const sqlite = new SqliteDatabase("/nonexistent/rmos.db");
  assert.ok(runsStorage(sqlite, config, logger).runs instanceof EmbeddedRunStore);
  assert.ok(blobStorage("sqlite", config, logger) instanceof EmbeddedBlobStore);
  assert.ok(advisoryStorage("sqlite", config, logger) instanceof FileAdvisoryStore);
  const sessions = sessionStorage(sqlite);
  assert.throws(() => sessions.get("wfs_x"), /the database is not open yet/, "built on first use, after start");
});

test("on PostgreSQL each plugin refuses, naming itself and the backend", () => {
  const cases: Array<[string, () => unknown]> = [
    ["runs", () => runsStorage(postgres, config, logger)],
    ["attachments", () => blobStorage("postgres", config, logger)],
    ["advisory", () => advisoryStorage("postgres", config, logger)],
    ["workflow-sessions", () => sessionStorage(postgres)],
  ];
  for (const [plugin, choose] of cases) {
    assert.throws(
      choose,
      (e: unknown) =>
        e instanceof StorageBackendError &&
        e.message.includes(`plugin "${plugin}" has no store for a postgres database`),
      plugin,
    );
  }
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
