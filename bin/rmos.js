#!/usr/bin/env node
// The rmos command: runs the compiled CLI (npm install builds it; `npm run build` rebuilds).
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("rmos: the project is not built yet: run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
