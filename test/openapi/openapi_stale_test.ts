/**
 * openapi.json and the generated client types are committed; these tests fail when
 * either is stale (run `npm run openapi`), and check the document's own rules: every
 * operation has an operationId, a tag, a 500 answer, and problem+json error bodies.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import openapiTS, { astToString } from "openapi-typescript";
import { loadConfig } from "../../src/kernel/config.js";
import { createKernel } from "../../src/kernel/kernel.js";
import { createLogger } from "../../src/kernel/logger.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { REPO_ROOT } from "../../src/testing/paths.js";

const generated = () =>
  createKernel({
    config: loadConfig({ LOG_LEVEL: "silent" }),
    plugins: ALL_PLUGINS,
    logger: createLogger("silent", 2),
  }).openApiDocument();

test("openapi.json is up to date with the routes (else: npm run openapi)", () => {
  const committed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "openapi.json"), "utf8"));
  assert.deepEqual(
    committed,
    JSON.parse(JSON.stringify(generated())),
    "openapi.json is stale: run `npm run openapi` and commit it",
  );
});

test("packages/client/src/schema.d.ts is generated from the committed openapi.json (else: npm run openapi)", async () => {
  const committedDoc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "openapi.json"), "utf8"));
  const expected = astToString(await openapiTS(committedDoc));
  const actual = fs.readFileSync(path.join(REPO_ROOT, "packages", "client", "src", "schema.d.ts"), "utf8");
  const body = (s: string) => s.slice(s.indexOf("export interface paths"));
  assert.equal(body(actual), body(expected), "the client types are stale: run `npm run openapi`");
});

test("every operation has an operationId, a tag, a 500 answer and problem+json errors", () => {
  const doc = generated() as {
    paths: Record<
      string,
      Record<
        string,
        { operationId?: string; tags?: string[]; responses: Record<string, { content?: Record<string, unknown> }> }
      >
    >;
  };
  const ids = new Set<string>();
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${p}`;
      assert.ok(op.operationId, `${where}: operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: unique operationId`);
      ids.add(op.operationId);
      assert.ok(op.tags?.length, `${where}: tag`);
      assert.ok(op.responses["500"], `${where}: 500`);
      for (const [code, r] of Object.entries(op.responses)) {
        if (Number(code) >= 400 && !(code === "503" && p === "/readyz")) {
          assert.ok(r.content?.["application/problem+json"], `${where} ${code}: problem+json body`);
        }
      }
    }
  }
});
