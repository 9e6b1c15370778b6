/**
 * Loading plugins from packages (RMOS_PLUGINS=all,<package>), on real packages written
 * to a temporary folder outside the service: found by path or by npm name, imported
 * with the service's own plugin API (same classes, same tokens), and every refusal —
 * not found, not a plugin, no or another API version, a name already taken, a broken
 * module, an entry outside the package — naming the package.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ProblemError } from "../../contracts/problem.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { ALL_PLUGINS } from "../../plugins/index.js";
import { loadConfig } from "../config.js";
import { PluginLoadError } from "../plugin_order.js";
import {
  checkPackagePlugin,
  loadPackagePlugin,
  locatePackage,
  packageEntries,
  packageEntry,
  resolvePluginSet,
  withPluginSet,
} from "./plugin_packages.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-plugin-packages-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** Writes a package folder with `files` (relative path → text) and returns its path. */
function writePackage(files: Record<string, string>, under = root, name = `pkg${++counter}`): string {
  const dir = path.join(under, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const manifest = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: "x", type: "module", exports: "./index.js", ...extra });

/** A plugin module importing the service's API by package name. */
const pluginModule = (name: string, apiVersion: string) => `
import { definePlugin } from "rmos-runs/plugin-api/plugin.js";
import { ProblemError } from "rmos-runs/contracts/problem.js";
import { RUN_STORE } from "rmos-runs/contracts/ports/run_store.js";
export const problemClass = ProblemError;
export const runStoreToken = RUN_STORE;
export const plugin = definePlugin({ name: ${JSON.stringify(name)}, ${apiVersion} init: () => ({}) });
`;

async function refusal(work: () => Promise<unknown>, ...parts: RegExp[]): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof PluginLoadError, `a PluginLoadError, not ${String(error)}`);
    for (const part of parts) assert.match(error.message, part);
    return true;
  });
}

describe("plugin packages", () => {
  it("loads a package folder by path, sharing the service's classes and tokens", async () => {
    const dir = writePackage({ "package.json": manifest(), "index.js": pluginModule("calib-a", "apiVersion: 1,") });
    const loaded = await loadPackagePlugin(`./${path.basename(dir)}`, root);
    assert.equal(loaded.plugin.name, "calib-a");
    const mod = (await import(new URL(`file://${path.join(dir, "index.js")}`).href)) as Record<string, unknown>;
    assert.equal(mod.problemClass, ProblemError, "the package's ProblemError is the service's class");
    assert.equal(mod.runStoreToken, RUN_STORE);
  });

  it("loads a package by npm name (scoped too) from node_modules above the working directory", async () => {
    const cwd = fs.mkdtempSync(path.join(root, "cwd-"));
    writePackage(
      {
        "package.json": manifest({ exports: { ".": { import: "./lib/main.js" } } }),
        "lib/main.js": pluginModule("calib-b", "apiVersion: 1,"),
      },
      path.join(cwd, "node_modules", "@acme"),
      "rmos-calib",
    );
    const nested = path.join(cwd, "deep", "er");
    fs.mkdirSync(nested, { recursive: true });
    assert.equal((await loadPackagePlugin("@acme/rmos-calib", nested)).plugin.name, "calib-b");
  });

  it("takes the default export when there is no `plugin` export, and a module file by path", async () => {
    const dir = writePackage({
      "package.json": manifest({ exports: undefined, main: "main.js" }),
      "main.js": `import { definePlugin } from "rmos-runs/plugin-api/plugin.js";
export default definePlugin({ name: "calib-c", apiVersion: 1, init: () => ({}) });`,
    });
    assert.equal((await loadPackagePlugin(dir)).plugin.name, "calib-c");
    assert.equal((await loadPackagePlugin(path.join(dir, "main.js"))).plugin.name, "calib-c");
  });

  it("refuses a path or a name that is not there, naming it", async () => {
    await refusal(() => loadPackagePlugin("./no-such-folder", root), /"\.\/no-such-folder"/, /does not exist/);
    await refusal(() => loadPackagePlugin("rmos-no-such-package", root), /"rmos-no-such-package"/, /installed package/);
    await refusal(
      () => loadPackagePlugin("Not A Name!", root),
      /"Not A Name!"/,
      /neither a built-in plugin nor a package name/,
    );
  });

  it("refuses a package whose entry is missing or outside it, or that fails to load", async () => {
    const missing = writePackage({ "package.json": manifest({ exports: "./dist/mod.js" }) });
    await refusal(() => loadPackagePlugin(missing), /dist\/mod\.js does not exist \(is the package built\?\)/);
    const outside = writePackage({ "package.json": manifest({ exports: "../elsewhere.js" }) });
    await refusal(() => loadPackagePlugin(outside), /outside the package/);
    const noDot = writePackage({ "package.json": manifest({ exports: { "./other": "./other.js" } }) });
    await refusal(() => loadPackagePlugin(noDot), /exports no "\." entry/);
    const broken = writePackage({ "package.json": manifest(), "index.js": `throw new Error("boom at import");` });
    await refusal(() => loadPackagePlugin(broken), /failed to load/, /boom at import/);
    const badManifest = writePackage({ "package.json": "{ not json" });
    await refusal(() => loadPackagePlugin(badManifest), /cannot read/);
  });

  it("refuses what is not a plugin, and a plugin of no or another API version", async () => {
    const none = writePackage({ "package.json": manifest(), "index.js": "export const other = 1;" });
    await refusal(() => loadPackagePlugin(none), /exports no plugin/);
    const notPlugin = writePackage({ "package.json": manifest(), "index.js": "export const plugin = { name: 'x' };" });
    await refusal(() => loadPackagePlugin(notPlugin), /not a plugin/);
    const noVersion = writePackage({ "package.json": manifest(), "index.js": pluginModule("calib-d", "") });
    await refusal(
      () => loadPackagePlugin(noVersion),
      /"calib-d"/,
      /declares no apiVersion; this service offers plugin API 1/,
    );
    const v2 = writePackage({ "package.json": manifest(), "index.js": pluginModule("calib-e", "apiVersion: 2,") });
    await refusal(
      () => loadPackagePlugin(v2),
      /"calib-e"/,
      /written for plugin API 2; this service offers plugin API 1/,
    );
    assert.throws(() => checkPackagePlugin(null, "p"), PluginLoadError);
  });

  it("refuses a plugin name a built-in or another package already has", async () => {
    const clash = writePackage({ "package.json": manifest(), "index.js": pluginModule("runs", "apiVersion: 1,") });
    await refusal(
      () => resolvePluginSet(["all", clash], ALL_PLUGINS),
      /names its plugin "runs"/,
      /built-in plugin "runs"/,
    );
    const a = writePackage({ "package.json": manifest(), "index.js": pluginModule("twin", "apiVersion: 1,") });
    const b = writePackage({ "package.json": manifest(), "index.js": pluginModule("twin", "apiVersion: 1,") });
    await refusal(() => resolvePluginSet(["all", a, b], ALL_PLUGINS), new RegExp(`plugin of package "${a}"`));
  });

  it("selects: `all` keeps every plugin; a list names the package's plugin in its place", async () => {
    const dir = writePackage({ "package.json": manifest(), "index.js": pluginModule("calib-f", "apiVersion: 1,") });
    const withAll = await resolvePluginSet(["all", dir], ALL_PLUGINS);
    assert.equal(withAll.selected, "all");
    assert.deepEqual(withAll.fromPackages, ["calib-f"]);
    assert.deepEqual(
      withAll.plugins.map((p) => p.name),
      [...ALL_PLUGINS.map((p) => p.name), "calib-f"],
    );
    const listed = await resolvePluginSet(["runs", dir], ALL_PLUGINS);
    assert.deepEqual(listed.selected, ["runs", "calib-f"]);
    const config = loadConfig({ RMOS_PLUGINS: `runs,${dir}`, RMOS_DATA_DIR: root });
    assert.deepEqual(withPluginSet(config, listed).plugins, ["runs", "calib-f"]);
    const builtinsOnly = await resolvePluginSet(["runs", "diff"], ALL_PLUGINS);
    assert.deepEqual(builtinsOnly.fromPackages, []);
    assert.equal(withPluginSet(config, builtinsOnly), config, "no package: the configuration is unchanged");
    assert.deepEqual(packageEntries("all", ALL_PLUGINS), []);
    assert.deepEqual(packageEntries(["all", "runs", "@a/b", "./c"], ALL_PLUGINS), ["@a/b", "./c"]);
  });

  it("finds the entry of a package from exports conditions, main or index.js", () => {
    const cond = writePackage({ "package.json": manifest({ exports: { node: { default: "./n.js" } } }), "n.js": "" });
    assert.equal(packageEntry(cond, "c"), path.join(cond, "n.js"));
    const index = writePackage({ "package.json": JSON.stringify({ name: "i" }), "index.js": "" });
    assert.equal(packageEntry(index, "i"), path.join(index, "index.js"));
    assert.equal(locatePackage(`file:${index}`, "/"), path.join(index, "index.js"));
  });
});
