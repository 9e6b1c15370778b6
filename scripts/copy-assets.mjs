// Copies the non-TypeScript files the code reads at run time (SQL migrations) from
// src/ into <out>/src/ (default dist), keeping their paths. Part of `npm run build`.
import fs from "node:fs";
import path from "node:path";

const copy = (from, to) => {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copy(src, dst);
    else if (entry.name.endsWith(".sql")) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
};
// Start from a clean asset tree so that a deleted migration does not linger in dist/.
const removeSql = (dir) => {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) removeSql(p);
    else if (entry.name.endsWith(".sql")) fs.rmSync(p);
  }
};
const out = process.argv[2] ?? "dist";
removeSql(`${out}/src`);
copy("src", `${out}/src`);
