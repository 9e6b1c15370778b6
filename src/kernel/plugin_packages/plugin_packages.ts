/**
 * Plugins from outside the repository: `RMOS_PLUGINS=all,<package>` names, after the
 * built-in plugins, npm packages (`@acme/rmos-calibration`, found in node_modules above
 * the working directory, then above the service) or paths (`./plugins/calibration`, a
 * package folder or a module file, relative to the working directory). Each is imported
 * (ESM), its export `plugin` or its default export is the plugin, checked before any
 * is used: it must have a kebab-case name and an `init`, declare the `apiVersion` this
 * service offers, and take no name a built-in or another package holds. Every refusal
 * is a PluginLoadError naming the package: the start stops (exit 2) with it.
 * The resolution hook (./host_package.ts) is registered first, so the package imports
 * the service's own copy of the plugin API.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AppConfig } from "../config.js";
import type { Plugin } from "../plugin_api/plugin.js";
import { PLUGIN_API_VERSION } from "../plugin_api/version.js";
import { PluginLoadError } from "../plugin_order.js";
import { hostPackage, shareHostPackage } from "./host_package.js";

/** A plugin loaded from a package, with the RMOS_PLUGINS entry that named it. */
export interface PackagePlugin {
  readonly spec: string;
  readonly plugin: Plugin;
}

/** The plugins to give the kernel and the selection to load among them. */
export interface PluginSet {
  /** The built-in plugins, then those of the packages. */
  readonly plugins: readonly Plugin[];
  /** RMOS_PLUGINS with each package replaced by its plugin's name ("all" stays "all"). */
  readonly selected: readonly string[] | "all";
  /** The names of the plugins loaded from packages. */
  readonly fromPackages: readonly string[];
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Whether an RMOS_PLUGINS entry is a path rather than a package name. */
function isPath(spec: string): boolean {
  return spec.startsWith(".") || path.isAbsolute(spec) || spec.startsWith("file:");
}

/** The entries of RMOS_PLUGINS that name packages: neither "all" nor a built-in plugin. */
export function packageEntries(selected: readonly string[] | "all", builtins: readonly Plugin[]): string[] {
  if (selected === "all") return [];
  const names = new Set(builtins.map((p) => p.name));
  return selected.filter((s) => s !== "all" && !names.has(s));
}

/** The folder of an npm package installed above `from` (node_modules of each parent). */
function findInstalled(name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The ESM entry of an `exports` value: a string, or conditions (import, node, default). */
function exportTarget(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  for (const condition of ["import", "node", "default"]) {
    const target = exportTarget(record[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** The module file a package folder exports as its main entry ("." of exports, else main, else index.js). */
export function packageEntry(dir: string, spec: string): string {
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  } catch (error) {
    throw new PluginLoadError(
      `plugin package "${spec}": cannot read ${path.join(dir, "package.json")}: ${(error as Error).message}`,
    );
  }
  const exp = manifest.exports;
  let target: string | undefined;
  if (exp !== undefined) {
    const record =
      exp !== null && typeof exp === "object" && !Array.isArray(exp) ? (exp as Record<string, unknown>) : undefined;
    const hasSubpaths = record !== undefined && Object.keys(record).some((k) => k.startsWith("."));
    target = exportTarget(hasSubpaths ? record?.["."] : exp);
    if (target === undefined) {
      throw new PluginLoadError(`plugin package "${spec}": its package.json exports no "." entry for import`);
    }
  } else {
    target = typeof manifest.main === "string" ? manifest.main : "index.js";
  }
  const file = path.resolve(dir, target);
  if (!file.startsWith(dir + path.sep)) {
    throw new PluginLoadError(`plugin package "${spec}": its entry ${target} is outside the package`);
  }
  if (!fs.existsSync(file)) {
    throw new PluginLoadError(`plugin package "${spec}": its entry ${file} does not exist (is the package built?)`);
  }
  return file;
}

/** The module file an RMOS_PLUGINS entry names. */
export function locatePackage(spec: string, cwd: string): string {
  if (isPath(spec)) {
    const target = path.resolve(cwd, spec.startsWith("file:") ? new URL(spec).pathname : spec);
    if (!fs.existsSync(target)) throw new PluginLoadError(`plugin package "${spec}": ${target} does not exist`);
    return fs.statSync(target).isDirectory() ? packageEntry(target, spec) : target;
  }
  if (!NPM_NAME.test(spec)) {
    throw new PluginLoadError(
      `RMOS_PLUGINS names "${spec}", which is neither a built-in plugin nor a package name or path (./…, /…)`,
    );
  }
  const dir = findInstalled(spec, cwd) ?? findInstalled(spec, hostPackage().root);
  if (dir === undefined) {
    throw new PluginLoadError(
      `RMOS_PLUGINS names "${spec}", which is neither a built-in plugin nor an installed package (looked in node_modules above ${cwd} and above the service, ${hostPackage().root})`,
    );
  }
  return packageEntry(dir, spec);
}

/** Checks that `value`, exported by the package `spec`, is a plugin this service can load. */
export function checkPackagePlugin(value: unknown, spec: string): Plugin {
  if (value === undefined) {
    throw new PluginLoadError(
      `plugin package "${spec}" exports no plugin: export it as \`plugin\` or as the default export`,
    );
  }
  const candidate = value as Partial<Plugin> | null;
  if (
    candidate === null ||
    typeof candidate !== "object" ||
    typeof candidate.name !== "string" ||
    typeof candidate.init !== "function"
  ) {
    throw new PluginLoadError(
      `plugin package "${spec}" exports something that is not a plugin (definePlugin({ name, init, … }) from rmos-runs/plugin-api/plugin.js)`,
    );
  }
  if (candidate.apiVersion === undefined) {
    throw new PluginLoadError(
      `plugin "${candidate.name}" of package "${spec}" declares no apiVersion; this service offers plugin API ${PLUGIN_API_VERSION}`,
    );
  }
  if (candidate.apiVersion !== PLUGIN_API_VERSION) {
    throw new PluginLoadError(
      `plugin "${candidate.name}" of package "${spec}" is written for plugin API ${String(candidate.apiVersion)}; this service offers plugin API ${PLUGIN_API_VERSION}`,
    );
  }
  return candidate as Plugin;
}

/** Imports and checks one package's plugin. */
export async function loadPackagePlugin(spec: string, cwd: string = process.cwd()): Promise<PackagePlugin> {
  const file = locatePackage(spec, cwd);
  shareHostPackage();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginLoadError(`plugin package "${spec}" failed to load (${file}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { spec, plugin: checkPackagePlugin(mod.plugin ?? mod.default, spec) };
}

/**
 * The plugins RMOS_PLUGINS asks for (`selected`): the built-ins plus every package it
 * names, loaded and checked, and the selection with each package entry replaced by its
 * plugin's name. A package plugin whose name is taken stops the load, naming both.
 */
export async function resolvePluginSet(
  selected: readonly string[] | "all",
  builtins: readonly Plugin[],
  cwd: string = process.cwd(),
): Promise<PluginSet> {
  const entries = packageEntries(selected, builtins);
  if (entries.length === 0) return { plugins: builtins, selected, fromPackages: [] };
  const taken = new Map(builtins.map((p) => [p.name, "the built-in plugin"]));
  const loaded: PackagePlugin[] = [];
  for (const spec of entries) {
    const one = await loadPackagePlugin(spec, cwd);
    const holder = taken.get(one.plugin.name);
    if (holder !== undefined) {
      throw new PluginLoadError(
        `plugin package "${spec}" names its plugin "${one.plugin.name}", a name ${holder} "${one.plugin.name}" already has`,
      );
    }
    taken.set(one.plugin.name, `the plugin of package "${spec}"`);
    loaded.push(one);
  }
  const list = selected as readonly string[];
  const bySpec = new Map(loaded.map((l) => [l.spec, l.plugin.name]));
  return {
    plugins: [...builtins, ...loaded.map((l) => l.plugin)],
    selected: list.includes("all") ? "all" : list.map((s) => bySpec.get(s) ?? s),
    fromPackages: loaded.map((l) => l.plugin.name),
  };
}

/**
 * `config` loading the plugins of `set`: with packages, RMOS_PLUGINS with each replaced
 * by its plugin's name; without, `config` unchanged.
 */
export function withPluginSet(config: AppConfig, set: PluginSet): AppConfig {
  return set.fromPackages.length === 0 ? config : { ...config, plugins: set.selected };
}
