/**
 * Extending the diff severity table, end to end: the DiffSeverityRegistry contract (what it
 * accepts and refuses), a plugin that adds rules through DIFF_SEVERITY, the operator's
 * RMOS_DIFF_SEVERITY_RULES (applied last, winning over plugins), and a bad value of that
 * variable stopping the start with a message naming it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { DIFF_SEVERITY, DiffSeverityRegistry } from "../../src/contracts/ports/diff_severity.js";
import { ConfigError, loadConfig } from "../../src/kernel/config.js";
import { createKernel } from "../../src/kernel/kernel.js";
import { createLogger } from "../../src/kernel/logger.js";
import { definePlugin } from "../../src/kernel/plugin_api/plugin.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import type { TestKernel } from "../../src/testing/test_kernel.js";
import { jsonBody, sampleRunRequest, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

async function severities(t: TestKernel, a: Record<string, unknown>, b: Record<string, unknown>) {
  const ids: string[] = [];
  for (const body of [a, b]) {
    const response = await t.request("runs", jsonBody(body));
    assert.equal(response.status, 201);
    ids.push(((await response.json()) as { run_id: string }).run_id);
  }
  const response = await t.request(`runs/diff?a=${ids[0]}&b=${ids[1]}`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { severity: string; changes: Array<{ path: string; severity: string }> };
  return { overall: body.severity, at: new Map(body.changes.map((c) => [c.path, c.severity])) };
}

describe("DiffSeverityRegistry", () => {
  test("keeps rules in order with their source", () => {
    const registry = new DiffSeverityRegistry();
    registry.add("audit", [{ pointer: "/meta/operator", severity: "WARNING", why: "who ran it" }]);
    registry.add("lots", [{ pointer: "/meta/lot~1batch", severity: "CRITICAL", why: "traceability" }]);
    assert.deepEqual(registry.list(), [
      { pointer: "/meta/operator", severity: "WARNING", why: "who ran it", source: "audit" },
      { pointer: "/meta/lot~1batch", severity: "CRITICAL", why: "traceability", source: "lots" },
    ]);
  });

  test("refuses malformed rules and a pointer already rated by another source, adding nothing", () => {
    const registry = new DiffSeverityRegistry();
    registry.add("audit", [{ pointer: "/meta/operator", severity: "WARNING", why: "who ran it" }]);
    const bad = [
      [{ pointer: "meta", severity: "INFO", why: "x" }, /not an RFC 6901 JSON Pointer/],
      [{ pointer: "/a~", severity: "INFO", why: "x" }, /not an RFC 6901 JSON Pointer/],
      [{ pointer: "/a", severity: "NONE", why: "x" }, /must be one of INFO, WARNING, CRITICAL/],
      [{ pointer: "/a", severity: "SEVERE", why: "x" }, /must be one of/],
      [{ pointer: "/a", severity: "INFO", why: " " }, /needs a non-empty "why"/],
      [{ pointer: "/meta/operator", severity: "CRITICAL", why: "x" }, /already rated by "audit"/],
    ] as const;
    for (const [rule, message] of bad) {
      assert.throws(
        () => registry.add("other", [{ pointer: "/fine", severity: "INFO", why: "ok" }, rule as never]),
        (error: Error) =>
          error instanceof TypeError && /from "other"/.test(error.message) && message.test(error.message),
      );
    }
    assert.throws(() =>
      registry.add("twice", [
        { pointer: "/x", severity: "INFO", why: "a" },
        { pointer: "/x", severity: "WARNING", why: "b" },
      ]),
    );
    assert.equal(registry.list().length, 1, "nothing of a refused batch was added");
  });
});

describe("a plugin adds severity rules through DIFF_SEVERITY", () => {
  const auditPlugin = definePlugin({
    name: "test-audit-rules",
    consumes: { severity: DIFF_SEVERITY },
    init({ severity }) {
      severity.add("test-audit-rules", [
        { pointer: "/meta/operator", severity: "CRITICAL", why: "who ran the job is part of the approval" },
        { pointer: "/tool_id", severity: "INFO", why: "tools are interchangeable here" },
      ]);
      return {};
    },
  });

  test("its rules rate the changes, and re-rate SPEC rules", async () => {
    const t = await startTestKernel({ plugins: [...ALL_PLUGINS, auditPlugin] });
    try {
      const result = await severities(t, sampleRunRequest(), sampleRunRequest({ meta: { operator: "bo" } }));
      assert.equal(result.at.get("/meta/operator"), "CRITICAL");
      assert.equal(result.overall, "CRITICAL");
      const tool = await severities(t, sampleRunRequest(), sampleRunRequest({ tool_id: "tool_other" }));
      assert.equal(tool.at.get("/tool_id"), "INFO");
      assert.equal(tool.overall, "INFO");
    } finally {
      await t.close();
    }
  });

  test("RMOS_DIFF_SEVERITY_RULES adds rules and wins over a plugin's", async () => {
    const rules = [
      { pointer: "/meta/operator", severity: "WARNING", why: "site policy" },
      { pointer: "/mode", severity: "CRITICAL", why: "a different kind of job" },
    ];
    const t = await startTestKernel({
      plugins: [...ALL_PLUGINS, auditPlugin],
      env: { RMOS_DIFF_SEVERITY_RULES: JSON.stringify(rules) },
    });
    try {
      const operator = await severities(t, sampleRunRequest(), sampleRunRequest({ meta: { operator: "bo" } }));
      assert.equal(operator.at.get("/meta/operator"), "WARNING");
      const mode = await severities(t, sampleRunRequest(), sampleRunRequest({ mode: "toolpath" }));
      assert.equal(mode.at.get("/mode"), "CRITICAL");
      assert.equal(mode.overall, "CRITICAL");
    } finally {
      await t.close();
    }
  });

  test("without extensions, the SPEC table holds (meta INFO, tool_id WARNING)", async () => {
    const t = await startTestKernel();
    try {
      const result = await severities(
        t,
        sampleRunRequest(),
        sampleRunRequest({ meta: { operator: "bo" }, tool_id: "tool_other" }),
      );
      assert.equal(result.at.get("/meta/operator"), "INFO");
      assert.equal(result.at.get("/tool_id"), "WARNING");
      assert.equal(result.overall, "WARNING");
    } finally {
      await t.close();
    }
  });
});

describe("a bad RMOS_DIFF_SEVERITY_RULES", () => {
  for (const value of ["[{", '[{"pointer":"status","severity":"CRITICAL"}]', '[{"pointer":"/x","severity":"HIGH"}]']) {
    test(`${value} stops the start with a message naming the variable`, async () => {
      const dataDir = tempDir();
      const config = loadConfig({ LOG_LEVEL: "silent", RMOS_DATA_DIR: dataDir, RMOS_DIFF_SEVERITY_RULES: value });
      const kernel = createKernel({ config, plugins: ALL_PLUGINS, logger: createLogger("silent", 2) });
      try {
        await assert.rejects(
          kernel.start(),
          (error: Error) =>
            error instanceof ConfigError &&
            /plugin "diff"/.test(error.message) &&
            /RMOS_DIFF_SEVERITY_RULES/.test(error.message),
        );
      } finally {
        await kernel.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
