/**
 * Build step of @rmos/client: tsc does not emit `.d.ts` inputs, so the generated
 * `src/schema.d.ts` (openapi-typescript, from the service's openapi.json) is copied
 * beside the compiled declarations that import it.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
fs.copyFileSync(path.join(root, "src", "schema.d.ts"), path.join(root, "dist", "schema.d.ts"));
