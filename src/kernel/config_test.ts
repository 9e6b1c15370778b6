/**
 * Configuration is validated at start: defaults, and a clear message naming every bad
 * variable.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./config.js";

test("defaults follow SPEC", () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.dataDir, path.resolve("./data"));
  assert.equal(c.databaseUrl, `sqlite:${path.resolve("./data/rmos.db")}`);
  assert.equal(c.maxBodyBytes, 8 * 1024 * 1024);
  assert.equal(c.maxAttachmentBytes, 1024 * 1024 * 1024);
  assert.equal(c.plugins, "all");
  assert.equal(c.autoMigrate, true);
});
test("values are parsed", () => {
  const c = loadConfig({
    PORT: "9000",
    RMOS_PLUGINS: "runs, diff",
    RMOS_AUTO_MIGRATE: "false",
    RMOS_MAX_BODY_BYTES: "1024",
  });
  assert.equal(c.port, 9000);
  assert.deepEqual(c.plugins, ["runs", "diff"]);
  assert.equal(c.autoMigrate, false);
  assert.equal(c.maxBodyBytes, 1024);
});
test("every bad value is named in one message", () => {
  assert.throws(
    () => loadConfig({ PORT: "http", RMOS_MAX_BODY_BYTES: "-1", LOG_LEVEL: "loud", RMOS_DATABASE_URL: "mysql://x" }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /PORT/.test(e.message) &&
      /RMOS_MAX_BODY_BYTES/.test(e.message) &&
      /LOG_LEVEL/.test(e.message) &&
      /RMOS_DATABASE_URL/.test(e.message),
  );
});
test("an empty variable counts as unset", () => {
  assert.equal(loadConfig({ PORT: "" }).port, 8080);
});
