/**
 * `GET /runs/{run_id}` answered from the cache before the framework (the kernel's
 * cached reads) against the same service with them turned off: one kernel, two
 * listeners — the same store, cache, rate-limit buckets, metrics and log — and the
 * same requests to each. Every answer must be the same on the wire (status, header
 * fields in order and spelling, body) but for the Date and a generated request id;
 * the metrics must move the same way and the log lines must be the same. Covered:
 * authorized, a given request id, If-None-Match, a malformed id, an unknown run, a
 * query, HEAD, a percent-encoded id, a Host the adapter refuses, a run not in the cache
 * (after a restart), rate limited, and with authentication on: no token, a malformed
 * header, a forged, an expired and a non-token credential — never answered from the
 * cache, each refusal logged once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { TOKEN_STORE } from "../../src/contracts/ports/token_store.js";
import { issueToken } from "../../src/kernel/auth/token_issuer.js";
import { loadConfig } from "../../src/kernel/config.js";
import { createKernel, type Kernel } from "../../src/kernel/kernel.js";
import { loggerOptions } from "../../src/kernel/logger.js";
import { listen, type RunningServer } from "../../src/kernel/server.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { comparable, type RawAnswer, type RawRequest, rawHeader, rawRequest } from "../../src/testing/raw_http.js";
import { sampleRunRequest, tempDir } from "../../src/testing/test_kernel.js";

/** A kernel serving twice: `fast` with cached reads, `plain` without; its log lines collected. */
interface SideBySide {
  readonly kernel: Kernel;
  readonly fast: RunningServer;
  readonly plain: RunningServer;
  readonly lines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

async function sideBySide(env: Record<string, string>, dataDir = tempDir()): Promise<SideBySide> {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(loggerOptions("info"), { write: (line: string) => lines.push(JSON.parse(line)) });
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", ...env, RMOS_DATA_DIR: dataDir });
  const kernel = createKernel({ config, plugins: ALL_PLUGINS, logger });
  await kernel.start();
  const plain = await listen(kernel, { cachedReads: false });
  const fast = await listen(kernel);
  return {
    kernel,
    fast,
    plain,
    lines,
    close: async () => {
      plain.server.closeAllConnections();
      await new Promise((resolve) => plain.server.close(resolve));
      await fast.close(); // closes the kernel
    },
  };
}

const served = (s: SideBySide) => s.kernel.cachedReads?.served ?? -1;

/** The `request` log lines' content but for what differs per request (time, id, duration). */
function requestLines(lines: ReadonlyArray<Record<string, unknown>>): string[] {
  return lines.map(({ time: _t, req_id: _r, ms: _m, ...rest }) => JSON.stringify(rest));
}

/** Counter and histogram-count samples of the HTTP metrics, by their label set. */
async function httpSamples(kernel: Kernel): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const line of (await kernel.metrics.registry.metrics()).split("\n")) {
    const m =
      /^(http_request_duration_seconds_count|http_errors_total|http_auth_refusals_total)(\{[^}]*\}) (\S+)$/.exec(line);
    if (m) samples.set(`${m[1]}${m[2]}`, Number(m[3]));
  }
  return samples;
}

function delta(from: Map<string, number>, to: Map<string, number>): Record<string, number> {
  const moved: Record<string, number> = {};
  for (const [key, value] of to) {
    const d = value - (from.get(key) ?? 0);
    if (d !== 0) moved[key] = d;
  }
  return moved;
}

interface Probe {
  readonly name: string;
  readonly path: string;
  readonly request?: RawRequest;
  /** Answered from the cache (the served counter moves by one) — else by the framework. */
  readonly cached: boolean;
  /** The request id is the one sent: compare it too. */
  readonly sameId?: boolean;
}

/**
 * Sends each probe to the fast listener, then to the plain one, and compares the
 * answers, which path answered, the metrics moved and the log lines written.
 */
async function compareSideBySide(s: SideBySide, probes: readonly Probe[]): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = [];
  for (const probe of probes) {
    const at = s.lines.length;
    const metricsBefore = await httpSamples(s.kernel);
    const servedBefore = served(s);
    const fast = await rawRequest(`${s.fast.url}${probe.path}`, probe.request);
    assert.equal(served(s) - servedBefore, probe.cached ? 1 : 0, `${probe.name}: answered from the cache?`);
    const fastMetrics = delta(metricsBefore, await httpSamples(s.kernel));
    const fastLines = requestLines(s.lines.slice(at));
    const mid = s.lines.length;
    const metricsMid = await httpSamples(s.kernel);
    const plain = await rawRequest(`${s.plain.url}${probe.path}`, probe.request);
    assert.equal(
      served(s) - servedBefore,
      probe.cached ? 1 : 0,
      `${probe.name}: the plain listener never answers from the cache`,
    );
    const plainMetrics = delta(metricsMid, await httpSamples(s.kernel));
    const plainLines = requestLines(s.lines.slice(mid));
    const keepId = probe.sameId === true;
    assert.equal(comparable(fast, keepId), comparable(plain, keepId), `${probe.name}: the same answer`);
    assert.deepEqual(fastMetrics, plainMetrics, `${probe.name}: the same metrics`);
    assert.deepEqual(fastLines, plainLines, `${probe.name}: the same log lines`);
    answers.push(fast);
  }
  return answers;
}

const UNKNOWN_RUN = "run_01ARZ3NDEKTSV4RRFFQ69G5FAV";

describe("cached GET /runs/{run_id} answers as the framework does (auth off)", () => {
  let s: SideBySide;
  let runId: string;
  let etag: string;
  before(async () => {
    s = await sideBySide({ RMOS_RATE_LIMIT_PER_SECOND: "1000", RMOS_RATE_LIMIT_BURST: "1000" });
    const created = await fetch(`${s.fast.url}/api/rmos/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sampleRunRequest()),
    });
    assert.equal(created.status, 201);
    runId = ((await created.json()) as { run_id: string }).run_id;
    etag = created.headers.get("etag") as string;
  });
  after(() => s.close());

  test("every kind of request: the same answer, metrics and log lines; only plain allowed GETs from the cache", async () => {
    const run = `/api/rmos/runs/${runId}`;
    const answers = await compareSideBySide(s, [
      { name: "authorized", path: run, cached: true },
      {
        name: "given request id",
        path: run,
        request: { headers: { "x-request-id": "req-side-1" } },
        cached: true,
        sameId: true,
      },
      { name: "request id not sane", path: run, request: { headers: { "x-request-id": "no spaces" } }, cached: true },
      { name: "If-None-Match matching", path: run, request: { headers: { "if-none-match": etag } }, cached: false },
      { name: "If-None-Match other", path: run, request: { headers: { "if-none-match": '"x"' } }, cached: false },
      { name: "malformed id", path: "/api/rmos/runs/run_nope", cached: false },
      { name: "unknown run", path: `/api/rmos/runs/${UNKNOWN_RUN}`, cached: false },
      { name: "query", path: `${run}?fields=all`, cached: false },
      { name: "HEAD", path: run, request: { method: "HEAD" }, cached: false },
      { name: "percent-encoded", path: `/api/rmos/runs/%72${runId.slice(1)}`, cached: false },
      { name: "dot segment", path: `/api/rmos/runs/x/../${runId}`, cached: false },
      { name: "static route first", path: "/api/rmos/runs/diff", cached: false },
      { name: "trailing slash", path: `${run}/`, cached: false },
      {
        name: "Host the adapter refuses",
        path: run,
        request: { headers: { host: "user@example.com" } },
        cached: false,
      },
      { name: "Host in capitals", path: run, request: { headers: { host: "EXAMPLE.com" } }, cached: true },
      { name: "Host with a port", path: run, request: { headers: { host: "example.com:8080" } }, cached: true },
    ]);
    assert.equal(answers[0]?.status, 200);
    assert.equal(rawHeader(answers[0] as RawAnswer, "etag"), etag);
    assert.equal(rawHeader(answers[0] as RawAnswer, "connection"), "keep-alive");
    assert.equal(answers[3]?.status, 304);
    assert.equal(answers[13]?.status, 400);
  });
});

describe("cached GET /runs/{run_id}: a run not in the cache", () => {
  test("after a restart the first GET goes to the framework (which caches it), the next is answered from the cache", async () => {
    const dataDir = tempDir();
    let s = await sideBySide({}, dataDir);
    const created = await fetch(`${s.fast.url}/api/rmos/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sampleRunRequest()),
    });
    const { run_id } = (await created.json()) as { run_id: string };
    await s.close();
    s = await sideBySide({}, dataDir);
    try {
      const path = `/api/rmos/runs/${run_id}`;
      await compareSideBySide(s, [
        { name: "cache miss", path, cached: false },
        { name: "then cached", path, cached: true },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe("cached GET /runs/{run_id}: rate limited", () => {
  test("the burst is answered from the cache, one token each; then 429 from the framework on both", async () => {
    const s = await sideBySide({ RMOS_RATE_LIMIT_PER_SECOND: "1", RMOS_RATE_LIMIT_BURST: "4" });
    try {
      const started = performance.now();
      // The create takes one token of this client's four.
      const created = await fetch(`${s.fast.url}/api/rmos/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(sampleRunRequest()),
      });
      const { run_id } = (await created.json()) as { run_id: string };
      const path = `/api/rmos/runs/${run_id}`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await rawRequest(`${s.fast.url}${path}`)).status);
      assert.deepEqual(statuses, [200, 200, 200], "three tokens left: three answers (none counted twice)");
      assert.equal(served(s), 3);
      const fast = await rawRequest(`${s.fast.url}${path}`);
      const plain = await rawRequest(`${s.plain.url}${path}`);
      // One token a second comes back: when this took less, both had to be refused, the same way.
      if ((performance.now() - started) / 1000 < 0.9) {
        assert.equal(fast.status, 429, "no token left: refused (the cached answer took its token)");
        assert.ok(rawHeader(fast, "retry-after"));
        assert.equal(comparable(fast), comparable(plain));
        assert.equal(served(s), 3);
      }
    } finally {
      await s.close();
    }
  });
});

describe("cached GET /runs/{run_id} with authentication on", () => {
  let s: SideBySide;
  let path: string;
  let tokens: Record<string, string>;
  before(async () => {
    s = await sideBySide({ RMOS_AUTH: "on", RMOS_RATE_LIMIT_PER_SECOND: "1000", RMOS_RATE_LIMIT_BURST: "1000" });
    const store = s.kernel.resolve(TOKEN_STORE);
    tokens = {
      writer: (await issueToken(store, { name: "w", roles: ["writer"], createdBy: "cli:test" })).token,
      auditor: (await issueToken(store, { name: "a", roles: ["auditor"], createdBy: "cli:test" })).token,
      expired: (await issueToken(store, { name: "e", roles: ["auditor"], createdBy: "cli:test", expiresInMs: 1 }))
        .token,
    };
    const created = await fetch(`${s.fast.url}/api/rmos/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.writer}` },
      body: JSON.stringify(sampleRunRequest()),
    });
    assert.equal(created.status, 201);
    path = `/api/rmos/runs/${((await created.json()) as { run_id: string }).run_id}`;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the expired token's millisecond is over
  });
  after(() => s.close());

  test("a valid token is answered from the cache; refused credentials never are, each refusal logged once", async () => {
    const auditor = tokens.auditor as string;
    const forged = `${auditor.slice(0, -4)}${auditor.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    const bearer = (credential: string): RawRequest => ({ headers: { authorization: `Bearer ${credential}` } });
    const at = s.lines.length;
    await compareSideBySide(s, [
      { name: "auditor", path, request: bearer(auditor), cached: true },
      { name: "writer", path, request: bearer(tokens.writer as string), cached: true },
      { name: "no credential", path, cached: false },
      { name: "malformed header", path, request: { headers: { authorization: "Basic YTpi" } }, cached: false },
      { name: "forged token", path, request: bearer(forged), cached: false },
      { name: "expired token", path, request: bearer(tokens.expired as string), cached: false },
      { name: "not a token", path, request: bearer("a.b.c"), cached: false },
    ]);
    const refusals = s.lines.slice(at).filter((l) => l.msg === "credential refused");
    assert.deepEqual(
      refusals.map((l) => l.auth_refused),
      ["missing", "missing", "malformed_header", "malformed_header", "token_mismatch", "token_mismatch"].concat([
        "token_expired",
        "token_expired",
        "not_a_token",
        "not_a_token",
      ]),
      "one line per refused request, on either listener",
    );
  });

  test("a token revoked after it was answered from the cache is refused at once, by the framework", async () => {
    const store = s.kernel.resolve(TOKEN_STORE);
    const issued = await issueToken(store, { name: "soon-revoked", roles: ["auditor"], createdBy: "cli:test" });
    const request: RawRequest = { headers: { authorization: `Bearer ${issued.token}` } };
    await compareSideBySide(s, [{ name: "before revocation", path, request, cached: true }]);
    await store.revoke(issued.token_id, new Date(), "cli:test");
    const [refused] = await compareSideBySide(s, [{ name: "after revocation", path, request, cached: false }]);
    assert.equal(refused?.status, 401);
  });
});
