/**
 * The repository stands alone: a fresh clone with nothing beside it builds, tests and
 * benchmarks. This test reads every file git tracks (a walk of the folder, skipping
 * what git ignores by convention, when the build is not in a git checkout) and fails,
 * naming file:line, on any reference to the shared folder that used to sit beside the
 * repository (a parent-directory path ending in `shared`), and on any Markdown link
 * whose relative target climbs out of the repository. The scanner is first shown to
 * catch each kind of reference on files made for the purpose, so that it cannot pass by
 * seeing nothing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { REPO_ROOT } from "../../src/testing/paths.js";

/** A parent-directory path to the old shared folder: `..` then `/` or `\`, then `shared`. */
const SHARED_PATH = /\.\.(?:[\\/]+\.\.)*[\\/]+shared\b/;
/** A Markdown link or image target: `](target)`. */
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
/** Folders a walk skips: dependencies, build output, local data, benchmark work. */
const NOT_SOURCE = new Set([".git", "node_modules", "dist", "data", "coverage"]);

/** The files of the repository at `root`: git's tracked files, or a walk when `root` is not a checkout. */
function repositoryFiles(root: string): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
    const files = out.toString("utf8").split("\0").filter(Boolean);
    if (files.length > 0) return files;
  } catch {
    // not a git checkout (or no git): walk the folder instead
  }
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_SOURCE.has(entry.name) && !entry.name.startsWith(".work-")) walk(child);
      } else if (entry.isFile()) files.push(child);
    }
  };
  walk("");
  return files.sort();
}

/** Every reference out of the repository in the files at `root`, as `file:line: why`. */
function outsideReferences(root: string, files: readonly string[]): string[] {
  const found: string[] = [];
  for (const rel of files) {
    const full = path.join(root, rel);
    if (!fs.statSync(full, { throwIfNoEntry: false })?.isFile()) continue; // deleted but not yet committed
    const bytes = fs.readFileSync(full);
    if (bytes.includes(0)) continue; // binary
    const lines = bytes.toString("utf8").split("\n");
    lines.forEach((line, i) => {
      const at = `${rel}:${i + 1}`;
      if (SHARED_PATH.test(line)) found.push(`${at}: refers to the shared folder outside the repository`);
      if (!rel.endsWith(".md")) return;
      for (const match of line.matchAll(MARKDOWN_LINK)) {
        const target = match[1] as string;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#") || target.startsWith("/")) continue;
        const resolved = path.resolve(path.dirname(full), target.split("#")[0] as string);
        if (path.relative(root, resolved).startsWith(".."))
          found.push(`${at}: links out of the repository (${target})`);
      }
    });
  }
  return found;
}

describe("the repository stands alone", () => {
  test("the scanner finds each kind of outside reference, in a checkout and in a plain folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-alone-"));
    try {
      const up = "..";
      fs.mkdirSync(path.join(dir, "docs"));
      fs.writeFileSync(path.join(dir, "a.ts"), `const ok = 1;\nconst p = "${up}/${up}/shared/tools/x.py";\n`);
      fs.writeFileSync(
        path.join(dir, "b.md"),
        `fine [link](docs/c.md) and [web](https://example.org)\n[out](${up}/SPEC.md)\n`,
      );
      fs.writeFileSync(
        path.join(dir, "docs", "c.md"),
        `[up one](${up}/b.md) stays inside; [two](${up}/${up}/x.md) not\n`,
      );
      fs.writeFileSync(path.join(dir, "d.txt"), `windows ${up}\\shared\\SPEC.md; sharedness is fine\n`);
      fs.writeFileSync(path.join(dir, "e.bin"), Buffer.from([0, 1, 2, ...Buffer.from(`${up}/shared`)]));
      const expected = [
        "a.ts:2: refers to the shared folder outside the repository",
        `b.md:2: links out of the repository (${up}/SPEC.md)`,
        `d.txt:1: refers to the shared folder outside the repository`,
        `docs/c.md:1: links out of the repository (${up}/${up}/x.md)`,
      ];
      const walked = repositoryFiles(dir);
      assert.deepEqual(walked, ["a.ts", "b.md", "d.txt", "docs/c.md", "e.bin"]);
      assert.deepEqual(outsideReferences(dir, walked).sort(), expected);
      execFileSync("git", ["init", "-q"], { cwd: dir });
      execFileSync("git", ["add", "a.ts", "b.md", "docs/c.md"], { cwd: dir });
      const tracked = repositoryFiles(dir);
      assert.deepEqual(tracked, ["a.ts", "b.md", "docs/c.md"], "only what git tracks");
      assert.equal(outsideReferences(dir, tracked).length, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("no file of the repository refers to anything outside it", () => {
    const files = repositoryFiles(REPO_ROOT);
    assert.ok(files.includes("package.json") && files.includes("README.md"), `the repository at ${REPO_ROOT}`);
    const found = outsideReferences(REPO_ROOT, files);
    assert.deepEqual(found, [], `references out of the repository:\n${found.join("\n")}`);
  });
});
