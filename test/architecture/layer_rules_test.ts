/**
 * The architecture checker checked on small fake graphs, so that the architecture test
 * can fail: the import parser finds every kind of import (and nothing in comments,
 * strings or regular expressions), a forbidden edge of each kind is reported with its
 * rule, the composition roots and test code are allowed what they need, and a cycle —
 * of three files, or a file importing itself — is found and printed as a path.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ImportGraph, importSpecifiers, resolveSpecifier } from "./import_graph.js";
import { findCycles, formatCycle, layerViolations, ruleBroken } from "./layer_rules.js";

function graph(edges: Record<string, string[]>): ImportGraph {
  const files = [...new Set([...Object.keys(edges), ...Object.values(edges).flat()])].sort();
  return { files, edges: new Map(files.map((f) => [f, edges[f] ?? []])) };
}

describe("importSpecifiers", () => {
  test("finds import, import type, export-from, side-effect and literal dynamic imports, in order", () => {
    const source = `/* import x from "./in-comment.js" */
// import y from "./in-line-comment.js";
import type { A } from "./a.js";
export { b } from "./b.js";
export * from "./c.js";
import "./d.js";
const s = 'import z from "./in-string.js"';
const t = \`import w from "./in-template.js"\`;
const re = /"/g; import g from "./g.js";
import {
  f,
} from "./f.js";
export async function load() { return import("./e.js"); }
let later: import("./type-only.js").T;
import { readFile } from "node:fs/promises";`;
    assert.deepEqual(importSpecifiers(source), [
      "./a.js",
      "./b.js",
      "./c.js",
      "./d.js",
      "./g.js",
      "./f.js",
      "./e.js",
      "./type-only.js",
      "node:fs/promises",
    ]);
  });
  test("resolves ./x.js to the .ts file, and leaves packages out", () => {
    const exists = (f: string) => f === "src/kernel/plugin_api/plugin.ts" || f === "src/client/schema.d.ts";
    assert.equal(
      resolveSpecifier("src/plugins/runs/mod.ts", "../../kernel/plugin_api/plugin.js", exists),
      "src/kernel/plugin_api/plugin.ts",
    );
    assert.equal(resolveSpecifier("src/client/rmos_client.ts", "./schema.js", exists), "src/client/schema.d.ts");
    assert.equal(resolveSpecifier("src/a.ts", "hono", exists), undefined);
  });
});

describe("layer rules", () => {
  const fake = graph({
    "src/plugins/a/mod.ts": [
      "src/plugins/a/service.ts",
      "src/contracts/token.ts",
      "src/kernel/plugin_api/plugin.ts",
      "src/plugins/b/service.ts",
      "src/cli/main.ts",
      "src/kernel/kernel.ts",
      "src/testing/test_kernel.ts",
    ],
    "src/plugins/a/service_test.ts": ["src/kernel/db/sqlite.ts", "src/plugins/b/mod.ts"],
    "src/kernel/kernel.ts": ["src/kernel/plugin_api/plugin.ts", "src/plugins/index.ts"],
    "src/kernel/plugin_api/plugin.ts": ["src/kernel/config.ts", "src/contracts/token.ts"],
    "src/contracts/token.ts": [],
    "src/contracts/ports/x.ts": ["src/kernel/logger.ts"],
    "src/plugins/index.ts": ["src/plugins/a/mod.ts", "src/plugins/b/mod.ts"],
    "src/cli/main.ts": ["src/kernel/kernel.ts", "src/plugins/index.ts"],
  });

  test("every forbidden edge is reported with its rule; allowed ones are not", () => {
    const found = layerViolations(fake).map((v) => `${v.from} -> ${v.to}: ${v.rule}`);
    assert.deepEqual(found.sort(), [
      "src/contracts/ports/x.ts -> src/kernel/logger.ts: contracts import only contracts",
      "src/kernel/kernel.ts -> src/plugins/index.ts: the kernel imports a plugin",
      'src/plugins/a/mod.ts -> src/cli/main.ts: plugin "a" imports the CLI',
      'src/plugins/a/mod.ts -> src/kernel/kernel.ts: plugin "a" imports kernel internals (only src/kernel/plugin_api/)',
      'src/plugins/a/mod.ts -> src/plugins/b/service.ts: plugin "a" imports another plugin',
      'src/plugins/a/mod.ts -> src/testing/test_kernel.ts: plugin "a" imports src/testing',
    ]);
  });
  test("the composition roots and test code may import what they need", () => {
    assert.equal(ruleBroken("src/plugins/index.ts", "src/plugins/a/mod.ts"), undefined);
    assert.equal(ruleBroken("src/cli/main.ts", "src/plugins/index.ts"), undefined);
    assert.equal(ruleBroken("src/testing/test_kernel.ts", "src/plugins/index.ts"), undefined);
    assert.equal(ruleBroken("src/plugins/a/service_test.ts", "src/kernel/db/sqlite.ts"), undefined);
    assert.equal(ruleBroken("src/plugins/a/fixtures/x.ts", "src/plugins/b/mod.ts"), undefined);
  });
  test("the fake graph's files that import each other are one group, printed as its shortest cycle", () => {
    // main -> kernel -> index -> a -> main and main -> index -> a -> main: one group.
    assert.deepEqual(findCycles(fake).map(formatCycle), [
      "src/cli/main.ts -> src/plugins/index.ts -> src/plugins/a/mod.ts -> src/cli/main.ts",
    ]);
  });
});

describe("findCycles", () => {
  test("a graph without cycles has none", () => {
    assert.deepEqual(findCycles(graph({ "src/a.ts": ["src/b.ts", "src/c.ts"], "src/b.ts": ["src/c.ts"] })), []);
  });
  test("a three-file cycle is printed as a path back to its first file; a self-import too", () => {
    const cycles = findCycles(
      graph({
        "src/x.ts": ["src/y.ts"],
        "src/y.ts": ["src/z.ts"],
        "src/z.ts": ["src/x.ts", "src/w.ts"],
        "src/w.ts": [],
        "src/self.ts": ["src/self.ts"],
      }),
    ).map(formatCycle);
    assert.deepEqual(cycles.sort(), ["src/self.ts -> src/self.ts", "src/x.ts -> src/y.ts -> src/z.ts -> src/x.ts"]);
  });
  test("two separate cycles are both reported", () => {
    const cycles = findCycles(
      graph({ "src/a.ts": ["src/b.ts"], "src/b.ts": ["src/a.ts"], "src/c.ts": ["src/d.ts"], "src/d.ts": ["src/c.ts"] }),
    );
    assert.equal(cycles.length, 2);
  });
});
