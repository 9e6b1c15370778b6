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

test("limits: defaults, parsed values, and a bad value named", () => {
  const d = loadConfig({}).limits;
  assert.equal(d.headersTimeoutMs, 10_000);
  assert.equal(d.requestTimeoutMs, 300_000);
  assert.equal(d.rateLimitPerSecond, 1_000);
  assert.equal(d.jsonMaxDepth, 64);
  assert.equal(d.maxUrlLength, 8_192);
  const c = loadConfig({ RMOS_RATE_LIMIT_PER_SECOND: "0", RMOS_LINGER_MS: "250", RMOS_MAX_CONNECTIONS: "7" }).limits;
  assert.equal(c.rateLimitPerSecond, 0);
  assert.equal(c.lingerMs, 250);
  assert.equal(c.maxConnections, 7);
  assert.throws(() => loadConfig({ RMOS_MAX_CONNECTIONS: "0" }), /RMOS_MAX_CONNECTIONS/);
  assert.throws(() => loadConfig({ RMOS_JSON_MAX_DEPTH: "deep" }), /RMOS_JSON_MAX_DEPTH: must be a whole number/);
});
