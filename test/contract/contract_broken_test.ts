/**
 * The compliance kit catches non-compliant servers. Each server here is the real
 * service behind a proxy that breaks one rule on purpose: it accepts DELETE, rewrites a
 * stored value on the way out, defaults a missing risk_level on the way in, or answers
 * timestamps in a local offset. The kit must fail, naming the invariant; the same
 * proxy passing everything through unchanged must pass, so the failures come from
 * the breakage and not from the proxy.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CONTRACT_CHECKS,
  type Check,
  type CheckResult,
  httpTarget,
  makeCreateBody,
  runContract,
} from "../../packages/contract/src/index.js";
import { startTestServer } from "../../src/testing/test_kernel.js";
import { editJson, type ProxyRules, type RunningProxy, startProxy } from "./broken_proxy.js";

const RUN_PATH = /^\/api\/rmos\/runs\/run_[0-9A-Za-z]+$/;

/** Shifts a UTC timestamp to the same instant written with a +02:00 offset. */
function toLocalOffset(utc: string): string {
  const shifted = new Date(Date.parse(utc) + 2 * 3600 * 1000).toISOString();
  return `${shifted.slice(0, -1)}+02:00`;
}

const failures = (results: readonly CheckResult[]) =>
  results.filter((r) => r.outcome === "fail").map((r) => r.check.id);

describe("the contract catches a non-compliant server", () => {
  let upstream: string;
  let closeServer: () => Promise<void>;
  const proxies: RunningProxy[] = [];
  before(async () => {
    const t = await startTestServer();
    upstream = t.server.url;
    closeServer = () => t.close();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${upstream}/api/rmos/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeCreateBody()),
      });
      assert.equal(res.status, 201, "runs for the read-only checks to inspect");
    }
  });
  after(async () => {
    for (const p of proxies) await p.close();
    await closeServer();
  });

  /** The contract through a proxy with `rules`; all checks for the control, else all but the slow 9 MiB one. */
  async function against(
    rules: ProxyRules,
    readOnly: boolean,
    checks: readonly Check[] = CONTRACT_CHECKS.filter((c) => c.id !== "invariant-9"),
  ) {
    const proxy = await startProxy(upstream, rules);
    proxies.push(proxy);
    return runContract(httpTarget(proxy.url), { readOnly, maxRuns: 10, checks });
  }

  test("control: the same proxy passing everything through passes every check", async () => {
    const report = await against({}, false, CONTRACT_CHECKS);
    assert.equal(report.results.length, CONTRACT_CHECKS.length);
    assert.deepEqual(failures(report.results), [], JSON.stringify(report.results.filter((r) => r.outcome === "fail")));
  });

  test("a server that accepts DELETE fails invariant 3 (write-once), also read-only", async () => {
    const rules: ProxyRules = {
      answer: (method, path) => (method === "DELETE" && RUN_PATH.test(path) ? { status: 204 } : undefined),
    };
    for (const readOnly of [false, true]) {
      const report = await against(rules, readOnly);
      assert.deepEqual(failures(report.results), ["invariant-3"]);
      const r = report.results.find((x) => x.check.id === "invariant-3");
      assert.match(r?.message ?? "", /DELETE \/api\/rmos\/runs\/run_\w+: status 204, expected 405/);
    }
  });

  test("a server that rewrites a stored value fails invariant 2 (hashes are true), also read-only", async () => {
    const rules: ProxyRules = {
      rewriteResponse: (method, path, status, body) =>
        method === "GET" && status === 200 && RUN_PATH.test(path)
          ? editJson(body, (a) => {
              if (a.feasibility) a.feasibility.depth_mm = 0.5;
            })
          : undefined,
    };
    for (const readOnly of [false, true]) {
      const report = await against(rules, readOnly);
      const failed = failures(report.results);
      assert.ok(failed.includes("invariant-2"), `failed: ${failed}`);
      const r = report.results.find((x) => x.check.id === "invariant-2");
      assert.match(r?.message ?? "", /hashes\.feasibility_sha256 is [0-9a-f]{64}, the content hashes to [0-9a-f]{64}/);
      assert.ok(failed.includes("invariant-4"), "the bytes no longer match their ETag either");
    }
  });

  test("a server that defaults a missing risk_level fails invariant 1 (required fields)", async () => {
    const rules: ProxyRules = {
      rewriteRequest: (method, path, body) =>
        method === "POST" && path === "/api/rmos/runs"
          ? editJson(body, (b) => {
              if (b.decision && typeof b.decision === "object" && !b.decision.risk_level)
                b.decision.risk_level = "UNKNOWN";
            })
          : undefined,
    };
    const report = await against(rules, false);
    assert.deepEqual(failures(report.results), ["invariant-1"]);
    const r = report.results.find((x) => x.check.id === "invariant-1");
    assert.match(r?.message ?? "", /risk_level missing: status 201, expected 400/);
  });

  test("a server that answers timestamps in a local offset fails invariant 7 (UTC only), also read-only", async () => {
    const rules: ProxyRules = {
      rewriteResponse: (_method, path, _status, body) =>
        path.startsWith("/api/rmos/runs")
          ? editJson(body, (v) => {
              if (typeof v.created_at_utc === "string") v.created_at_utc = toLocalOffset(v.created_at_utc);
              for (const item of Array.isArray(v.items) ? v.items : []) {
                if (typeof item.created_at_utc === "string") item.created_at_utc = toLocalOffset(item.created_at_utc);
              }
            })
          : undefined,
    };
    for (const readOnly of [false, true]) {
      const report = await against(rules, readOnly);
      const failed = failures(report.results);
      assert.ok(failed.includes("invariant-7"), `failed: ${failed}`);
      const r = report.results.find((x) => x.check.id === "invariant-7");
      assert.match(r?.message ?? "", /created_at_utc \d{4}-\d\d-\d\dT[\d:.]+\+02:00/);
    }
  });
});
