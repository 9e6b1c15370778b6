/**
 * Test support: where the repository and its fixtures are, from compiled code
 * (dist/src/testing/paths.js → the repository root is three levels up).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const beside = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));

/** The repository root (the working directory when the build lives elsewhere, e.g. /tmp). */
export const REPO_ROOT = fs.existsSync(path.join(beside, "package.json")) ? beside : process.cwd();

/** A path under the repository's test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return path.join(REPO_ROOT, "test", "fixtures", ...parts);
}
