/**
 * The architecture of src/, checked on the real import graph (see layer_rules.ts for
 * the rules and the composition roots): no plugin imports another plugin, the CLI or
 * kernel internals; the kernel imports no plugin; contracts import only contracts; and
 * no import cycle anywhere, type-only imports included. A failure names each forbidden
 * import with its rule, and prints each cycle as a path.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { REPO_ROOT } from "../../src/testing/paths.js";
import { readImportGraph } from "./import_graph.js";
import { findCycles, formatCycle, layerViolations } from "./layer_rules.js";

const graph = readImportGraph(REPO_ROOT, "src");

test("the graph is the real source tree (the plugin list imports every plugin)", () => {
  assert.ok(graph.files.length > 100, `${graph.files.length} files`);
  const list = graph.edges.get("src/plugins/index.ts") ?? [];
  for (const plugin of [
    "runs",
    "attachments",
    "advisory",
    "diff",
    "workflow-sessions",
    "schema-migrations",
    "v1-compat",
  ]) {
    assert.ok(list.includes(`src/plugins/${plugin}/mod.ts`), `src/plugins/index.ts imports ${plugin}`);
  }
});

test("no import breaks a layer rule", () => {
  const violations = layerViolations(graph);
  assert.deepEqual(
    violations.map((v) => `${v.from} -> ${v.to}: ${v.rule}`),
    [],
    `forbidden imports:\n${violations.map((v) => `  ${v.from} -> ${v.to}: ${v.rule}`).join("\n")}`,
  );
});

test("no import cycle anywhere in src/ (type-only imports included)", () => {
  const cycles = findCycles(graph);
  assert.deepEqual(
    cycles.map(formatCycle),
    [],
    `import cycles:\n${cycles.map((c) => `  ${formatCycle(c)}`).join("\n")}`,
  );
});
