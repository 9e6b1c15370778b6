/**
 * The default plugin list on a backend that a plugin has no store for: with
 * `RMOS_PLUGINS=all` the kernel leaves that plugin out (and says so at start); named
 * explicitly, the plugin stops the kernel naming itself and the backend. Built without
 * I/O: no database is opened.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../src/kernel/config.js";
import { createKernel } from "../../src/kernel/kernel.js";
import { createLogger } from "../../src/kernel/logger.js";
import { DATABASE } from "../../src/contracts/ports/database.js";
import { definePlugin } from "../../src/kernel/plugin_api/plugin.js";
import { noStoreFor } from "../../src/kernel/plugin_api/storage.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";

const logger = createLogger("silent", 2);
const postgresUrl = "postgres://rmos@127.0.0.1:1/rmos";

/** A plugin with a store for SQLite only (every built-in plugin has both): its init refuses the others by name. */
const sqliteOnlyPlugin = definePlugin({
  name: "sqlite-only",
  provides: [],
  consumes: { db: DATABASE },
  backends: ["sqlite"],
  init: ({ db }) => {
    if (db.kind !== "sqlite") throw noStoreFor("sqlite-only", db.kind);
    return {};
  },
});

test("RMOS_PLUGINS=all on PostgreSQL: every built-in plugin loads (the transparency log too); a SQLite-only one is left out", () => {
  const config = loadConfig({ LOG_LEVEL: "silent", RMOS_DATABASE_URL: postgresUrl });
  const kernel = createKernel({ config, plugins: [...ALL_PLUGINS, sqliteOnlyPlugin], logger });
  assert.deepEqual(kernel.unsupported, ["sqlite-only"]);
  const loaded = kernel.plugins.map((p) => p.name);
  assert.ok(!loaded.includes("sqlite-only"));
  assert.deepEqual([...loaded].sort(), ALL_PLUGINS.map((p) => p.name).sort());
  assert.ok(loaded.includes("transparency-log"));
});

test("on SQLite every plugin of the default list loads", () => {
  const config = loadConfig({ LOG_LEVEL: "silent", RMOS_DATA_DIR: "/nonexistent/rmos-data" });
  const kernel = createKernel({ config, plugins: ALL_PLUGINS, logger });
  assert.deepEqual(kernel.unsupported, []);
  assert.deepEqual(kernel.plugins.map((p) => p.name).sort(), ALL_PLUGINS.map((p) => p.name).sort());
});

test("a plugin named in RMOS_PLUGINS on a backend it has no store for stops the kernel, naming both", () => {
  const config = loadConfig({
    LOG_LEVEL: "silent",
    RMOS_DATABASE_URL: postgresUrl,
    RMOS_PLUGINS: "runs,sqlite-only",
  });
  assert.throws(
    () => createKernel({ config, plugins: [...ALL_PLUGINS, sqliteOnlyPlugin], logger }),
    /sqlite-only[\s\S]*postgres/,
  );
});
