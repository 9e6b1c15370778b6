/**
 * A module resolution hook (node:module `register`) that makes every import of the
 * service's own package name — `rmos-runs/plugin-api/plugin.js`,
 * `rmos-runs/contracts/ports/run_store.js`, … — resolve to the running service's files,
 * wherever the importing plugin is installed. Node resolves the specifier as if this
 * file (inside the service's package) had written it, through the `exports` map of the
 * service's package.json. So a plugin package shares one copy of the plugin API with
 * the kernel — the same `ProblemError` class, the same zod, the same token symbols —
 * even when it has no node_modules of its own (a folder beside the service) or holds
 * a copy of the service of another version in them (the API version check names that).
 */

/** What `register` passes: the service's package name. */
interface HookData {
  readonly packageName: string;
}

let packageName = "rmos-runs";

/** Receives the service's package name from `register`. */
export function initialize(data: HookData | undefined): void {
  if (data?.packageName) packageName = data.packageName;
}

/** The parts of node's resolve context this hook reads and passes on. */
interface ResolveContext {
  readonly parentURL?: string;
  readonly conditions?: readonly string[];
  readonly importAttributes?: Record<string, string>;
}

/** The next resolver in the chain. */
type NextResolve = (specifier: string, context?: ResolveContext) => unknown;

/** Resolves the service's package name from inside the service; anything else unchanged. */
export function resolve(specifier: string, context: ResolveContext, next: NextResolve): unknown {
  if (specifier === packageName || specifier.startsWith(`${packageName}/`)) {
    return next(specifier, { ...context, parentURL: import.meta.url });
  }
  return next(specifier, context);
}
