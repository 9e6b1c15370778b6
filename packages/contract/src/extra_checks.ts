/**
 * Checks from outside the catalog: `rmos-contract --checks MODULE` imports a module — a
 * path (relative to the working directory) or a package's export resolved from there,
 * e.g. a plugin package's `rmos-plugin-machine-calibration/contract` — and runs its
 * export `contractChecks` (an array of {@link Check}) after the contract's own, in the
 * same report. This is how a plugin's promises are checked with the service's: the
 * plugin ships its checks, the compliance team names them. A module that cannot be
 * found or loaded, exports no such array, holds something that is not a check, or
 * reuses an id is a usage error naming the module.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Check } from "./check.js";
import { UsageError } from "./cli_args.js";

const WRITES = new Set(["never", "when-allowed", "always"]);

/** The file `spec` names: a path from `cwd`, or a package export resolved from `cwd`. */
function locate(spec: string, cwd: string): string {
  if (spec.startsWith(".") || path.isAbsolute(spec)) return path.resolve(cwd, spec);
  try {
    return createRequire(path.join(cwd, "package.json")).resolve(spec);
  } catch (error) {
    throw new UsageError(`--checks ${spec}: not found from ${cwd} (${(error as Error).message.split("\n")[0]})`);
  }
}

/** Whether `value` has the shape of a check. */
function isCheck(value: unknown): value is Check {
  const c = value as Partial<Check> | null;
  return (
    c !== null &&
    typeof c === "object" &&
    typeof c.id === "string" &&
    c.id.length > 0 &&
    typeof c.title === "string" &&
    typeof c.statement === "string" &&
    typeof c.writes === "string" &&
    WRITES.has(c.writes) &&
    typeof c.run === "function"
  );
}

/** The checks of every module in `specs`, validated against each other and `taken` (the ids already used). */
export async function loadExtraChecks(
  specs: readonly string[],
  taken: readonly Check[],
  cwd: string = process.cwd(),
): Promise<Check[]> {
  const ids = new Set(taken.map((c) => c.id));
  const out: Check[] = [];
  for (const spec of specs) {
    const file = locate(spec, cwd);
    let mod: { contractChecks?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { contractChecks?: unknown };
    } catch (error) {
      throw new UsageError(`--checks ${spec}: cannot load ${file}: ${(error as Error).message}`);
    }
    if (!Array.isArray(mod.contractChecks)) {
      throw new UsageError(`--checks ${spec}: the module exports no contractChecks array`);
    }
    for (const [i, check] of mod.contractChecks.entries()) {
      if (!isCheck(check)) {
        throw new UsageError(
          `--checks ${spec}: contractChecks[${i}] is not a check (id, title, statement, writes, run)`,
        );
      }
      if (ids.has(check.id)) throw new UsageError(`--checks ${spec}: check id "${check.id}" is already used`);
      ids.add(check.id);
      out.push(check);
    }
  }
  return out;
}
