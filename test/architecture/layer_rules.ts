/**
 * The layer rules of the source tree and the cycle finder, over an {@link ImportGraph}.
 *
 * Layers, bottom up: `src/contracts` (schemas, ports, tokens: imports nothing of ours
 * outside itself); `src/kernel` (never imports a plugin or the CLI); each plugin
 * `src/plugins/<name>/` (imports only its own folder, `src/contracts` and the kernel's
 * plugin API `src/kernel/plugin_api/` — never another plugin, the CLI, kernel
 * internals or test support); the composition roots `src/plugins/index.ts` (the
 * plugin list), `src/cli/` (the `rmos` entry point) and `src/testing/` (test support),
 * which may import anything. Test code (`*_test.ts`, `*test_support.ts`, `fixtures/`)
 * is held to the cycle rule only: a unit test may reach into the kernel to set up a
 * real database. No file may be part of an import cycle — type-only imports included.
 */
import type { ImportGraph } from "./import_graph.js";

/** One forbidden import. */
export interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: string;
}

/** Whether `file` is test code (held to the cycle rule only). */
export function isTestCode(file: string): boolean {
  return /_test\.ts$|test_support\.ts$|\/fixtures\//.test(file);
}

/** The plugin folder name of `file`, when it is inside one. */
function pluginOf(file: string): string | undefined {
  return /^src\/plugins\/([^/]+)\//.exec(file)?.[1];
}

/** Why the import `from` → `to` is forbidden, or undefined when it is allowed. */
export function ruleBroken(from: string, to: string): string | undefined {
  if (!to.startsWith("src/")) return "imports a file outside src/";
  if (isTestCode(from)) return undefined;
  if (from.startsWith("src/contracts/")) {
    return to.startsWith("src/contracts/") ? undefined : "contracts import only contracts";
  }
  if (from.startsWith("src/kernel/")) {
    if (to.startsWith("src/plugins/")) return "the kernel imports a plugin";
    if (to.startsWith("src/cli/")) return "the kernel imports the CLI";
    if (to.startsWith("src/testing/")) return "the kernel imports test support";
    return undefined;
  }
  const plugin = pluginOf(from);
  if (plugin !== undefined) {
    if (pluginOf(to) === plugin) return undefined;
    if (to.startsWith("src/contracts/") || to.startsWith("src/kernel/plugin_api/")) return undefined;
    if (to.startsWith("src/plugins/")) return `plugin "${plugin}" imports another plugin`;
    if (to.startsWith("src/cli/")) return `plugin "${plugin}" imports the CLI`;
    if (to.startsWith("src/kernel/"))
      return `plugin "${plugin}" imports kernel internals (only src/kernel/plugin_api/)`;
    return `plugin "${plugin}" imports ${to.split("/").slice(0, 2).join("/")}`;
  }
  return undefined;
}

/** Every forbidden import of the graph. */
export function layerViolations(graph: ImportGraph): Violation[] {
  const out: Violation[] = [];
  for (const from of graph.files) {
    for (const to of graph.edges.get(from) ?? []) {
      const rule = ruleBroken(from, to);
      if (rule !== undefined) out.push({ from, to, rule });
    }
  }
  return out;
}

/**
 * One cycle for each group of files that import each other (strongly connected
 * components, Tarjan), each as a path that starts and ends at the same file.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  const strongConnect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!index.has(w)) {
        if (!graph.edges.has(w)) continue;
        strongConnect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        group.push(w);
        if (w === v) break;
      }
      const selfLoop = (graph.edges.get(v) ?? []).includes(v);
      if (group.length > 1 || selfLoop) groups.push(group);
    }
  };
  for (const file of graph.files) if (!index.has(file)) strongConnect(file);
  return groups.map((group) => cycleWithin(graph, new Set(group), [...group].sort()[0] as string));
}

/** A shortest path from `start` back to itself inside `members` (breadth-first). */
function cycleWithin(graph: ImportGraph, members: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as string;
    for (const w of graph.edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = cameFrom.get(at) as string) path.unshift(at);
        path.unshift(start);
        return path;
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** A cycle as one line: `a.ts -> b.ts -> a.ts`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(" -> ");
}
