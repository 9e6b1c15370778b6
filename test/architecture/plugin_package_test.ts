/**
 * Every plugin package under examples/ imports only the public plugin API (see
 * plugin_package_rules.ts), on its real import statements, and every public specifier
 * it uses is exported by the service's package.json to an existing source file. The
 * rules themselves are tested on made-up imports, so that the check cannot pass by
 * finding nothing.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "../../src/testing/paths.js";
import { importSpecifiers } from "./import_graph.js";
import { exportedSource, packageImportRule } from "./plugin_package_rules.js";

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
};

/** The .ts files of a package folder (dist and node_modules left out), relative to it. */
function packageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name === "dist" || entry.name === "node_modules") continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".ts")) out.push(child);
    }
  };
  walk("");
  return out.sort();
}

const examples = fs
  .readdirSync(path.join(REPO_ROOT, "examples"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => path.join(REPO_ROOT, "examples", e.name));

describe("plugin packages import only the public plugin API", () => {
  it("finds the example plugin and its imports", () => {
    assert.ok(examples.some((dir) => dir.endsWith("machine-calibration")));
    const mod = fs.readFileSync(path.join(REPO_ROOT, "examples/machine-calibration/src/mod.ts"), "utf8");
    assert.ok(importSpecifiers(mod).includes(`${manifest.name}/plugin-api/plugin.js`));
  });

  for (const dir of examples) {
    it(`${path.basename(dir)}: every import is its own, node:, or the exported plugin API`, () => {
      const broken: string[] = [];
      for (const file of packageFiles(dir)) {
        for (const specifier of importSpecifiers(fs.readFileSync(path.join(dir, file), "utf8"), file)) {
          const rule = packageImportRule(file, specifier, manifest.name);
          if (rule !== undefined) broken.push(`${file}: ${rule}`);
          else if (specifier.startsWith(`${manifest.name}/`)) {
            const source = exportedSource(specifier, manifest.exports, manifest.name);
            if (source === undefined) broken.push(`${file}: ${specifier} is not in package.json exports`);
            else if (!fs.existsSync(path.join(REPO_ROOT, source)))
              broken.push(`${file}: ${specifier} → ${source}, missing`);
          }
        }
      }
      assert.deepEqual(broken, []);
    });
  }

  it("the rule refuses what a plugin package may not import", () => {
    assert.equal(packageImportRule("src/mod.ts", "./store.js"), undefined);
    assert.equal(packageImportRule("test/x_test.ts", "../src/mod.js"), undefined);
    assert.equal(packageImportRule("src/mod.ts", "node:crypto"), undefined);
    assert.equal(packageImportRule("src/mod.ts", "rmos-runs/plugin-api/plugin.js"), undefined);
    assert.equal(packageImportRule("src/mod.ts", "rmos-runs/contracts/ports/run_store.js"), undefined);
    assert.equal(packageImportRule("test/http_test.ts", "rmos-runs/testing/test_kernel.js"), undefined);
    assert.match(packageImportRule("src/mod.ts", "../../../src/kernel/kernel.js") ?? "", /reaches out of its package/);
    assert.match(packageImportRule("src/mod.ts", "rmos-runs/testing/test_kernel.js") ?? "", /test support/);
    assert.match(packageImportRule("src/mod.ts", "rmos-runs/kernel/kernel.js") ?? "", /beyond the public plugin API/);
    assert.match(packageImportRule("src/mod.ts", "zod") ?? "", /the package "zod"/);
    assert.match(packageImportRule("src/mod.ts", "@hono/zod-openapi") ?? "", /service's copies/);
  });

  it("maps public specifiers through the exports map, and nothing else", () => {
    assert.equal(
      exportedSource("rmos-runs/contracts/ports/run_store.js", manifest.exports),
      "src/contracts/ports/run_store.ts",
    );
    assert.equal(exportedSource("rmos-runs/plugin-api/plugin.js", manifest.exports), "src/kernel/plugin_api/plugin.ts");
    assert.equal(exportedSource("rmos-runs/testing/test_kernel.js", manifest.exports), "src/testing/test_kernel.ts");
    assert.equal(exportedSource("rmos-runs/testing/cli_runner.js", manifest.exports), undefined);
    assert.equal(exportedSource("rmos-runs/kernel/kernel.js", manifest.exports), undefined);
  });
});
