/**
 * The rule of a plugin in its own package (examples/<name>/): it imports its own files,
 * `node:` built-ins and the service's public plugin API by the service's package name —
 * `rmos-runs/plugin-api/…` and `rmos-runs/contracts/…`, and in test code also
 * `rmos-runs/testing/…` — and nothing else: no relative path out of its folder into the
 * service's source, no other part of rmos-runs, and no package of its own (a plugin
 * uses the service's zod, through rmos-runs/plugin-api/openapi.js, so that its schemas
 * are the kernel's). Each public specifier must also be one the service's package.json
 * `exports` maps to a source file, so that what the example imports is what a plugin
 * outside the repository can import.
 */
import path from "node:path";

/** Whether `file` (relative to the package folder) is test code. */
function isPackageTestCode(file: string): boolean {
  return /_test\.ts$/.test(file) || file.startsWith("test/") || file.startsWith("src/testing/");
}

/** Why `file` (relative to its package folder) may not import `specifier`, or undefined. */
export function packageImportRule(file: string, specifier: string, hostName = "rmos-runs"): string | undefined {
  if (specifier.startsWith("node:")) return undefined;
  if (specifier.startsWith(".")) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    return target.startsWith("../") ? `reaches out of its package (${specifier})` : undefined;
  }
  if (specifier.startsWith(`${hostName}/plugin-api/`) || specifier.startsWith(`${hostName}/contracts/`))
    return undefined;
  if (specifier.startsWith(`${hostName}/testing/`)) {
    return isPackageTestCode(file) ? undefined : `imports test support outside its tests (${specifier})`;
  }
  if (specifier === hostName || specifier.startsWith(`${hostName}/`)) {
    return `imports ${specifier}, beyond the public plugin API (${hostName}/plugin-api/…, ${hostName}/contracts/…)`;
  }
  return `imports the package "${specifier}": a plugin uses the service's copies (zod: ${hostName}/plugin-api/openapi.js)`;
}

/** The service's source file that `exports` maps a public specifier to, or undefined when it exports no such path. */
export function exportedSource(
  specifier: string,
  exportsMap: Record<string, unknown>,
  hostName = "rmos-runs",
): string | undefined {
  const subpath = `.${specifier.slice(hostName.length)}`;
  for (const [key, value] of Object.entries(exportsMap)) {
    const target =
      typeof value === "string" ? value : ((value as Record<string, unknown> | null)?.default as string | undefined);
    if (target === undefined) continue;
    const star = key.indexOf("*");
    let match: string | undefined;
    if (star < 0) match = key === subpath ? "" : undefined;
    else {
      const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
      if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
        match = subpath.slice(prefix.length, subpath.length - suffix.length);
      }
    }
    if (match === undefined) continue;
    const built = target.replace("*", match);
    return built.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts");
  }
  return undefined;
}
