/**
 * The service's own package: its root folder (the nearest package.json above this file,
 * in a checkout or under node_modules), its name, and the one-time registration of the
 * resolution hook (./resolve_hook.ts) that points a plugin package's imports of that name
 * at this copy of the service.
 */
import fs from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The service's package root and name. */
export interface HostPackage {
  readonly root: string;
  readonly name: string;
}

let host: HostPackage | undefined;
let registered = false;

/** The folder and name of the service's package (found once). */
export function hostPackage(): HostPackage {
  if (host) return host;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const name = (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown }).name;
      if (typeof name === "string" && name.length > 0) {
        host = { root: dir, name };
        return host;
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error("the service's package.json was not found above its code");
    dir = up;
  }
}

/**
 * Registers the resolution hook once per process, before the first plugin package is
 * imported: from then on `import "<service name>/…"` resolves to this service's files.
 */
export function shareHostPackage(): void {
  if (registered) return;
  register(new URL("./resolve_hook.js", import.meta.url), {
    parentURL: import.meta.url,
    data: { packageName: hostPackage().name },
  });
  registered = true;
}
