/**
 * Choosing and ordering the plugins to load, from what each provides and consumes.
 *
 * The list is explicit (no folder scanning); RMOS_PLUGINS may narrow it. A plugin comes
 * after every loaded plugin that provides a token it consumes (required or optional;
 * a `late` dependency adds no edge); otherwise list order is kept. The load is refused,
 * with a message naming both ends, for: a name that is not kebab-case or is listed
 * twice, an unknown name in RMOS_PLUGINS, a token provided twice (both plugins), a
 * required token no loaded plugin provides (the consumer, the token, and the plugin
 * that would provide it when RMOS_PLUGINS leaves it out), and a cycle (each edge:
 * consumer, token, provider).
 */
import type { Token } from "../contracts/token.js";
import type { Dependency, Plugin } from "./plugin_api/plugin.js";

/** Raised for a plugin list that cannot be loaded. */
export class PluginLoadError extends Error {
  override readonly name = "PluginLoadError";
}

/** The readable name of a token. */
export function tokenName(token: Token<unknown>): string {
  return (token.description ?? String(token)).replace(/^rmos\./, "");
}

/** A consumed dependency, normalised. */
export interface ConsumedToken {
  readonly as: string;
  readonly token: Token<unknown>;
  readonly mode: "required" | "optional" | "late";
}

/** The dependencies a plugin consumes, normalised. */
export function consumedBy(plugin: Plugin): ConsumedToken[] {
  return Object.entries(plugin.consumes ?? {}).map(([as, dep]: [string, Dependency<unknown>]) =>
    typeof dep === "symbol" ? { as, token: dep, mode: "required" } : { as, token: dep.token, mode: dep.kind },
  );
}

function checkNames(available: readonly Plugin[]): Map<string, Plugin> {
  const byName = new Map<string, Plugin>();
  for (const plugin of available) {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(plugin.name)) {
      throw new PluginLoadError(`plugin name "${plugin.name}" is not kebab-case`);
    }
    if (byName.has(plugin.name)) throw new PluginLoadError(`plugin "${plugin.name}" is listed twice`);
    byName.set(plugin.name, plugin);
  }
  return byName;
}

function providers(plugins: readonly Plugin[], kernelTokens: ReadonlySet<Token<unknown>>): Map<Token<unknown>, string> {
  const byToken = new Map<Token<unknown>, string>();
  for (const plugin of plugins) {
    for (const token of plugin.provides ?? []) {
      if (kernelTokens.has(token)) {
        throw new PluginLoadError(`plugin "${plugin.name}" provides ${tokenName(token)}, which the kernel provides`);
      }
      const other = byToken.get(token);
      if (other !== undefined) {
        throw new PluginLoadError(
          `${tokenName(token)} is provided by both plugin "${other}" and plugin "${plugin.name}"`,
        );
      }
      byToken.set(token, plugin.name);
    }
  }
  return byToken;
}

/**
 * The plugins to load, providers first; `selected` is RMOS_PLUGINS ("all" or names),
 * `kernelTokens` what the kernel itself provides (the database).
 */
export function orderPlugins(
  available: readonly Plugin[],
  selected: readonly string[] | "all",
  kernelTokens: ReadonlySet<Token<unknown>> = new Set(),
): Plugin[] {
  const byName = checkNames(available);
  if (selected !== "all") {
    for (const name of selected) {
      if (!byName.has(name)) {
        throw new PluginLoadError(
          `RMOS_PLUGINS names "${name}", which is not a plugin (known: ${[...byName.keys()].join(", ")})`,
        );
      }
    }
  }
  const chosen = selected === "all" ? [...available] : available.filter((p) => selected.includes(p.name));
  const everyProvider = providers(available, kernelTokens);
  const provider = providers(chosen, kernelTokens);
  // Edges: plugin name -> the providers it must come after (with the token, for messages).
  const after = new Map<string, Array<{ provider: string; token: Token<unknown> }>>();
  for (const plugin of chosen) {
    const edges: Array<{ provider: string; token: Token<unknown> }> = [];
    for (const dep of consumedBy(plugin)) {
      if (kernelTokens.has(dep.token)) continue;
      const from = provider.get(dep.token);
      if (from === undefined) {
        if (dep.mode !== "required") continue;
        const elsewhere = everyProvider.get(dep.token);
        const why =
          elsewhere === undefined
            ? "which no plugin provides"
            : `which only plugin "${elsewhere}" provides, and RMOS_PLUGINS does not enable it`;
        throw new PluginLoadError(`plugin "${plugin.name}" consumes ${tokenName(dep.token)} ("${dep.as}"), ${why}`);
      }
      if (from === plugin.name) {
        throw new PluginLoadError(`plugin "${plugin.name}" consumes ${tokenName(dep.token)}, which it provides itself`);
      }
      if (dep.mode !== "late") edges.push({ provider: from, token: dep.token });
    }
    after.set(plugin.name, edges);
  }
  // Kahn's algorithm; among the ready plugins the earliest in the list goes first.
  const ordered: Plugin[] = [];
  const placed = new Set<string>();
  while (ordered.length < chosen.length) {
    const next = chosen.find(
      (p) => !placed.has(p.name) && (after.get(p.name) ?? []).every((e) => placed.has(e.provider)),
    );
    if (!next)
      throw new PluginLoadError(
        describeCycle(
          chosen.filter((p) => !placed.has(p.name)),
          after,
        ),
      );
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** Finds one cycle among `stuck` plugins and spells out each edge. */
function describeCycle(
  stuck: readonly Plugin[],
  after: ReadonlyMap<string, ReadonlyArray<{ provider: string; token: Token<unknown> }>>,
): string {
  const stuckNames = new Set(stuck.map((p) => p.name));
  const trail: Array<{ plugin: string; token: Token<unknown>; provider: string }> = [];
  const seen = new Map<string, number>();
  let current = stuck[0]?.name as string;
  for (;;) {
    const at = seen.get(current);
    if (at !== undefined) {
      const cycle = trail.slice(at);
      const steps = cycle.map((e) => `"${e.plugin}" consumes ${tokenName(e.token)} from "${e.provider}"`);
      return `plugins form a dependency cycle: ${steps.join(", ")}`;
    }
    seen.set(current, trail.length);
    const edge = (after.get(current) ?? []).find((e) => stuckNames.has(e.provider));
    if (!edge) return `plugin "${current}" cannot be ordered`;
    trail.push({ plugin: current, token: edge.token, provider: edge.provider });
    current = edge.provider;
  }
}
