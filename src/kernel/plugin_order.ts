/**
 * Choosing and ordering the plugins to load.
 *
 * The list is explicit (no folder scanning). A duplicate name, an unknown name in
 * RMOS_PLUGINS, a dependency that is not loaded, or a dependency cycle stops the start
 * with a message naming the plugin. Plugins are loaded in list order, except that a
 * plugin always comes after the plugins it depends on.
 */
import type { Plugin } from "./plugin.js";

/** Raised for a plugin list that cannot be loaded. */
export class PluginLoadError extends Error {
  override readonly name = "PluginLoadError";
}

/** The plugins to load, dependencies first; `selected` is RMOS_PLUGINS ("all" or names). */
export function orderPlugins(available: readonly Plugin[], selected: readonly string[] | "all"): Plugin[] {
  const byName = new Map<string, Plugin>();
  for (const plugin of available) {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(plugin.name)) {
      throw new PluginLoadError(`plugin name "${plugin.name}" is not kebab-case`);
    }
    if (byName.has(plugin.name)) throw new PluginLoadError(`plugin "${plugin.name}" is listed twice`);
    byName.set(plugin.name, plugin);
  }
  let chosen = [...available];
  if (selected !== "all") {
    for (const name of selected) {
      if (!byName.has(name)) {
        throw new PluginLoadError(
          `RMOS_PLUGINS names "${name}", which is not a plugin (known: ${[...byName.keys()].join(", ")})`,
        );
      }
    }
    chosen = available.filter((p) => selected.includes(p.name));
  }
  const chosenNames = new Set(chosen.map((p) => p.name));
  for (const plugin of chosen) {
    for (const dep of plugin.dependsOn) {
      if (!chosenNames.has(dep)) {
        const why = byName.has(dep) ? "is not enabled in RMOS_PLUGINS" : "does not exist";
        throw new PluginLoadError(`plugin "${plugin.name}" depends on "${dep}", which ${why}`);
      }
    }
  }
  const ordered: Plugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (plugin: Plugin, trail: string[]): void => {
    const s = state.get(plugin.name);
    if (s === "done") return;
    if (s === "visiting") {
      throw new PluginLoadError(
        `plugin "${plugin.name}" has a dependency cycle: ${[...trail, plugin.name].join(" -> ")}`,
      );
    }
    state.set(plugin.name, "visiting");
    for (const dep of plugin.dependsOn) visit(byName.get(dep) as Plugin, [...trail, plugin.name]);
    state.set(plugin.name, "done");
    ordered.push(plugin);
  };
  for (const plugin of chosen) visit(plugin, []);
  return ordered;
}
