/**
 * Authentication as the kernel wires it: the secure default of RMOS_AUTH (refused on a
 * non-loopback HOST until set; an explicit off warns at every start), the request log
 * line naming the principal and never the credential, authorization headers redacted
 * from any logged object, /metrics counting 401 and 403 by route (no credential in a
 * label), the rate limit keyed by the principal (two tokens from one address have two
 * budgets), `rmos tokens` registered in the CLI and effective at once on a running
 * service (revocation included), and authentication running before the route guards.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../../src/kernel/config.js";
import { createKernel } from "../../src/kernel/kernel.js";
import { type Logger, loggerOptions } from "../../src/kernel/logger.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { startAuthKernel, startAuthServer, withBearer } from "../../src/testing/auth_kernel.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

/** A logger with the service's options whose lines are kept. */
function keptLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _e, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    logger: pino(loggerOptions("info"), stream),
    text: () => text,
    lines: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("RMOS_AUTH: secure by default", () => {
  test("a non-loopback HOST without RMOS_AUTH refuses to start, saying what to set", () => {
    for (const HOST of ["0.0.0.0", "::", "192.168.1.20", "rmos.internal"]) {
      assert.throws(
        () => loadConfig({ HOST }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.includes(`HOST=${HOST}`) &&
          /Set RMOS_AUTH=on/.test(e.message) &&
          /RMOS_AUTH=off/.test(e.message),
      );
    }
    assert.equal(loadConfig({ HOST: "127.0.0.1" }).auth.mode, "off", "the quick start is unchanged");
    assert.equal(loadConfig({}).auth.mode, "off");
    assert.equal(loadConfig({ HOST: "0.0.0.0", RMOS_AUTH: "on" }).auth.mode, "on");
    assert.throws(() => loadConfig({ RMOS_AUTH: "yes" }), /RMOS_AUTH: "yes" is not valid; use on or off/);
  });

  test("an explicit RMOS_AUTH=off on a non-loopback HOST starts and warns at every start", async () => {
    const dataDir = tempDir();
    for (let start = 0; start < 2; start++) {
      const kept = keptLogger();
      const config = loadConfig({ HOST: "0.0.0.0", RMOS_AUTH: "off", RMOS_DATA_DIR: dataDir });
      const kernel = createKernel({ config, plugins: ALL_PLUGINS, logger: kept.logger });
      await kernel.start();
      await kernel.close();
      const warnings = kept
        .lines()
        .filter((l) => l.level === 40 && /RMOS_AUTH=off on HOST=0\.0\.0\.0/.test(String(l.msg)));
      assert.equal(warnings.length, 1, kept.text());
    }
  });

  test("with auth off every request is anonymous and created_by says so", async () => {
    const t = await startTestKernel();
    try {
      const res = await t.request("runs", jsonBody(sampleRunRequest()));
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as { created_by: string }).created_by, "anonymous");
    } finally {
      await t.close();
    }
  });
});

describe("logs and metrics with RMOS_AUTH=on", () => {
  test("the request line names the principal; no credential reaches the log", async () => {
    const kept = keptLogger();
    const k = await startAuthKernel({ ci: ["writer"] });
    // Rebuild on the same data with a kept logger: the tokens live in the database.
    await k.t.close({ keepData: true });
    const config = loadConfig({ LOG_LEVEL: "info", RMOS_AUTH: "on", RMOS_DATA_DIR: k.t.dataDir });
    const kernel = createKernel({ config, plugins: ALL_PLUGINS, logger: kept.logger });
    await kernel.start();
    try {
      const token = k.tokens.ci as string;
      assert.equal(
        (await kernel.app.request("/api/rmos/runs", withBearer(token, jsonBody(sampleRunRequest())))).status,
        201,
      );
      assert.equal((await kernel.app.request("/api/rmos/runs", withBearer(`${token}x`))).status, 401);
      assert.equal((await kernel.app.request("/api/rmos/runs")).status, 401);
      kept.logger.info({ headers: { authorization: `Bearer ${token}` } }, "a careless line");
      const requests = kept.lines().filter((l) => l.msg === "request");
      assert.deepEqual(
        requests.map((l) => [l.method, l.status, l.principal]),
        [
          ["POST", 201, "token:ci"],
          ["GET", 401, undefined],
          ["GET", 401, undefined],
        ],
      );
      const text = kept.text();
      assert.equal(text.includes(token.slice(5)), false, "the secret part of the token is in the log");
      assert.match(text, /"authorization":"\[redacted\]"/);
      const refused = kept.lines().filter((l) => l.auth_refused !== undefined);
      assert.deepEqual(
        refused.map((l) => l.auth_refused),
        ["token_malformed", "missing"],
      );
    } finally {
      await kernel.close();
    }
  });

  test("/metrics counts 401 and 403 by route, with no credential in a label", async () => {
    const k = await startAuthKernel({ audit: ["auditor"] });
    try {
      const token = k.tokens.audit as string;
      await k.t.request("/api/rmos/runs", jsonBody(sampleRunRequest()));
      await k.t.request("/api/rmos/runs", withBearer(token, jsonBody(sampleRunRequest())));
      await k.t.request("/api/rmos/runs", withBearer(token, jsonBody(sampleRunRequest())));
      assert.equal((await k.t.request("/metrics")).status, 401);
      const metrics = await k.t.request("/metrics", withBearer(token));
      assert.equal(metrics.status, 200);
      const text = await metrics.text();
      assert.match(text, /http_auth_refusals_total\{method="POST",route="\/api\/rmos\/runs",status="401"\} 1/);
      assert.match(text, /http_auth_refusals_total\{method="POST",route="\/api\/rmos\/runs",status="403"\} 2/);
      assert.match(text, /http_auth_refusals_total\{method="GET",route="\/metrics",status="401"\} 1/);
      assert.equal(text.includes(token), false);
      assert.equal(text.includes("tok_"), false);
    } finally {
      await k.close();
    }
  });
});

describe("authentication before the route guards", () => {
  test("the rate limit counts per principal: two tokens from one address have two budgets", async () => {
    const k = await startAuthServer(
      { a: ["auditor"], b: ["auditor"] },
      { env: { RMOS_RATE_LIMIT_PER_SECOND: "1", RMOS_RATE_LIMIT_BURST: "2" } },
    );
    try {
      const get = (name: string) =>
        fetch(`${k.t.baseUrl}/runs`, k.as(name)).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      assert.deepEqual([await get("a"), await get("a"), await get("a")], [200, 200, 429]);
      assert.deepEqual([await get("b"), await get("b")], [200, 200], "b is not limited by a's requests");
    } finally {
      await k.close();
    }
  });

  test("a role check comes before the body is read: 403, not 413, for an oversized body without the role", async () => {
    const k = await startAuthKernel({ audit: ["auditor"], ci: ["writer"] }, { env: { RMOS_MAX_BODY_BYTES: "64" } });
    try {
      const big = jsonBody({ ...sampleRunRequest(), pad: "x".repeat(500) });
      assert.equal((await k.t.request("/api/rmos/runs", k.as("audit", big))).status, 403);
      assert.equal((await k.t.request("/api/rmos/runs", k.as("ci", big))).status, 413);
    } finally {
      await k.close();
    }
  });
});

describe("rmos tokens", () => {
  test("is a command of the CLI; a token it creates works at once on a running service, and revoking it refuses it at the next request", async () => {
    const dataDir = tempDir();
    const env = { RMOS_DATA_DIR: dataDir };
    const help = await runCli(["--help"], env);
    assert.match(help.stdout, /tokens\s+create, list and revoke API tokens/);
    const t = await startTestKernel({ dataDir, env: { RMOS_AUTH: "on" } });
    try {
      const created = await runCli(
        ["tokens", "create", "--name", "ci", "--role", "writer", "--json", "--as", "ops"],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      const issued = JSON.parse(created.stdout) as { token: string; token_id: string; roles: string[] };
      assert.deepEqual(issued.roles, ["writer"]);
      const run = await t.request("runs", withBearer(issued.token, jsonBody(sampleRunRequest())));
      assert.equal(run.status, 201);
      assert.equal(((await run.json()) as { created_by: string }).created_by, "token:ci");
      const listed = await runCli(["tokens", "list", "--json"], env);
      const entry = (JSON.parse(listed.stdout) as { tokens: Array<Record<string, unknown>> }).tokens[0];
      assert.equal(entry?.created_by, "cli:ops");
      assert.equal(listed.stdout.includes(issued.token), false);
      assert.equal((await runCli(["tokens", "revoke", issued.token_id], env)).code, 0);
      const after = await t.request("runs", withBearer(issued.token));
      assert.equal(after.status, 401);
      assert.match(after.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    } finally {
      await t.close();
    }
  });
});
