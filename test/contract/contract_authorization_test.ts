/**
 * The kit's authorization check catches a server that gets identity wrong. The real
 * service with RMOS_AUTH=on sits behind a proxy that breaks one rule on purpose: it
 * answers a run's created_by as `anonymous`, it drops the reviewer_id of a review on
 * the way in (so a review naming someone else is recorded as the principal's), or it
 * lets anonymous requests through as the contract's own principal. The check must
 * fail for each; the same proxy passing everything through must pass, and a token
 * with auditor only makes the check note that the review rules went unchecked.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type CheckResult, httpTarget, runContract } from "../../packages/contract/src/index.js";
import { authorization } from "../../packages/contract/src/checks/authorization.js";
import { startAuthServer } from "../../src/testing/auth_kernel.js";
import { editJson, type ProxyRules, type RunningProxy, startProxy } from "./broken_proxy.js";

describe("the authorization check catches a server that gets identity wrong", () => {
  let upstream: string;
  let tokens: Readonly<Record<string, string>>;
  let closeServer: () => Promise<void>;
  const proxies: RunningProxy[] = [];
  before(async () => {
    const k = await startAuthServer({ contract: ["writer", "reviewer"], writerOnly: ["writer"] });
    upstream = k.t.server.url;
    tokens = k.tokens;
    closeServer = () => k.close();
  });
  after(async () => {
    for (const p of proxies) await p.close();
    await closeServer();
  });

  async function check(rules: ProxyRules, token = tokens.contract as string): Promise<CheckResult> {
    const proxy = await startProxy(upstream, rules);
    proxies.push(proxy);
    const report = await runContract(httpTarget(proxy.url, { token }), { readOnly: false, checks: [authorization] });
    const result = report.results[0];
    assert.ok(result);
    return result;
  }

  test("control: passing everything through passes, with the rules checked", async () => {
    const result = await check({});
    assert.equal(result.outcome, "pass", `${result.message}\n${result.evidence.join("\n")}`);
    assert.ok(result.evidence.some((e) => /created_by of the run, asset and link: token:contract/.test(e)));
  });

  test("a credential without the reviewer role passes and says the review rules were not checked", async () => {
    const result = await check({}, tokens.writerOnly);
    assert.equal(result.outcome, "pass", result.message);
    assert.ok(result.evidence.some((e) => /lacks the reviewer role/.test(e)));
  });

  test("created_by answered as anonymous fails", async () => {
    const result = await check({
      rewriteResponse: (method, path, status, body) =>
        method === "POST" && path === "/api/rmos/runs" && status === 201
          ? editJson(body, (v) => {
              v.created_by = "anonymous";
            })
          : undefined,
    });
    assert.equal(result.outcome, "fail");
    assert.match(result.message ?? "", /created_by is the credential's principal/);
  });

  test("a reviewer_id dropped on the way in (recorded as the principal) fails", async () => {
    const result = await check({
      rewriteRequest: (method, path, body) =>
        method === "POST" && path.endsWith("/review")
          ? editJson(body, (v) => {
              delete v.reviewer_id;
            })
          : undefined,
    });
    assert.equal(result.outcome, "fail");
    assert.match(result.message ?? "", /reviewer-mismatch/);
  });

  test("a server that answers anonymous requests while writes record a principal fails", async () => {
    // The proxy answers every request itself as if no credential were needed for reads.
    const result = await check({
      answer: (method, path) =>
        method === "GET" && path === "/api/rmos/runs?limit=1"
          ? { status: 200, headers: { "content-type": "application/json" }, body: '{"items":[],"next_cursor":null}' }
          : undefined,
    });
    assert.equal(result.outcome, "fail");
    assert.match(result.message ?? "", /created_by is anonymous/);
  });
});
