// Builds each plugin package under examples/ with its own tsconfig (after the service's
// build, whose declarations in dist/types it type-checks against), from a clean dist/ so
// that a deleted source leaves no compiled file behind. Part of `npm run build`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const tsc = path.resolve("node_modules/typescript/bin/tsc");
for (const entry of fs.readdirSync("examples", { withFileTypes: true })) {
  const dir = path.join("examples", entry.name);
  if (!entry.isDirectory() || !fs.existsSync(path.join(dir, "tsconfig.json"))) continue;
  fs.rmSync(path.join(dir, "dist"), { recursive: true, force: true });
  const built = spawnSync(process.execPath, [tsc, "-p", dir], { stdio: "inherit" });
  if (built.status !== 0) {
    process.stderr.write(`build of ${dir} failed\n`);
    process.exit(built.status ?? 1);
  }
}
