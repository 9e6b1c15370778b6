/**
 * Shared helpers of the advisory tests (this file holds no tests): creating runs,
 * locating a run's file and link files, listing what the advisory store holds, reading
 * one metric, and a tiny plugin that binds an explanation provider or approval policy
 * — the seam through which the tests swap the default provider for a failing or slow
 * one, with no mocks of the stores.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { APPROVAL_POLICY, type ApprovalPolicy } from "../../src/contracts/ports/advisory_approval_policy.js";
import {
  EXPLANATION_PROVIDER,
  type ExplanationProvider,
} from "../../src/contracts/ports/advisory_explanation_provider.js";
import { type Binding, bind as binding, definePlugin, type Plugin } from "../../src/kernel/plugin_api/plugin.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { type TestKernel, jsonBody, sampleRunRequest } from "../../src/testing/test_kernel.js";

/** A JSON document from a response, read loosely in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read response documents loosely; a wrong guess fails the test
export type Doc = Record<string, any>;

/** Creates a run with `overrides` and answers its artifact. */
export async function createRun(t: TestKernel, overrides: Record<string, unknown> = {}): Promise<Doc> {
  const res = await t.request("runs", jsonBody(sampleRunRequest(overrides)));
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Doc;
}

/** A run whose decision has `risk_level` (and what the consistency rules then need). */
export function runWithRisk(risk: string): Record<string, unknown> {
  const status = risk === "ERROR" || risk === "UNKNOWN" ? "ERROR" : risk === "RED" ? "BLOCKED" : "OK";
  return {
    status,
    decision: {
      risk_level: risk,
      warnings: risk === "GREEN" ? [] : ["check the clamp"],
      details: {},
      ...(status === "BLOCKED" ? { block_reason: "depth exceeds tool reach" } : {}),
    },
  };
}

/** The run's file path under the data directory. */
export function runFile(t: TestKernel, run: Doc): string {
  return path.join(t.dataDir, "runs", String(run.created_at_utc).slice(0, 10), `${run.run_id}.json`);
}

/** SHA-256 of a file's bytes. */
export function fileSha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The advisory link files beside the run. */
export function linkFiles(t: TestKernel, run: Doc): string[] {
  const dir = path.dirname(runFile(t, run));
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(`${run.run_id}_advisory_`))
    .sort();
}

/** Every file under `<data>/advisories` (names, partition-relative), temp files included. */
export function advisoryFiles(t: TestKernel): string[] {
  const root = path.join(t.dataDir, "advisories");
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .flatMap((p) => fs.readdirSync(path.join(root, p)).map((n) => `${p}/${n}`))
    .sort();
}

/** The value of one sample line of the Prometheus text, e.g. `rmos_advisories_pending`. */
export async function metric(t: TestKernel, sample: string): Promise<number> {
  const text = await (await t.request("/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  assert.ok(line, `metric ${sample} is exported`);
  return Number(line.slice(sample.length + 1));
}

/** All plugins plus one that binds `provider` and/or `policy` (the test seam). */
export function pluginsWith(bind: { provider?: ExplanationProvider; policy?: ApprovalPolicy }): Plugin[] {
  const provide: Binding[] = [];
  if (bind.provider) provide.push(binding(EXPLANATION_PROVIDER, bind.provider));
  if (bind.policy) provide.push(binding(APPROVAL_POLICY, bind.policy));
  const testPlugin = definePlugin({
    name: "test-advisory-bindings",
    provides: provide.map((b) => b.token),
    init: () => ({ provide }),
  });
  return [...ALL_PLUGINS, testPlugin];
}

/** Env that makes provider retries fast. */
export const FAST_RETRIES = {
  RMOS_ADVISORY_PROVIDER_TIMEOUT_MS: "60",
  RMOS_ADVISORY_PROVIDER_ATTEMPTS: "3",
  RMOS_ADVISORY_PROVIDER_BACKOFF_MS: "5",
};
