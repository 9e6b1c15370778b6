/**
 * The import graph of the source tree, for the architecture test: every `.ts` file under
 * `src/` and the files it imports — `import`, `import type`, `export … from`, side-effect
 * imports and `import("…")` with a literal specifier. Statements are read with the
 * TypeScript parser (a dev dependency already) rather than with regular expressions, so
 * that comments, strings, template literals and regular expressions that merely look
 * like imports are never mistaken for one. Only relative specifiers are edges: packages
 * and `node:` modules are outside the graph.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Files (repository-relative, `/`-separated) and, for each, the files it imports. */
export interface ImportGraph {
  readonly files: readonly string[];
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

/** The module specifiers `source` imports or re-exports, in source order. */
export function importSpecifiers(source: string, fileName = "module.ts"): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The `.ts` files under `dir` (repository-relative), sorted. */
function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".ts")) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** The file a relative specifier names: `./x.js` → `x.ts` (or `x.d.ts`, or `x/index.ts`). */
export function resolveSpecifier(
  from: string,
  specifier: string,
  exists: (file: string) => boolean,
): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.js$/, "");
  for (const candidate of [`${stem}.ts`, `${stem}.d.ts`, `${stem}/index.ts`, base]) {
    if (exists(candidate)) return candidate;
  }
  return base;
}

/** Reads the import graph of every `.ts` file under `root/dir`. */
export function readImportGraph(root: string, dir = "src"): ImportGraph {
  const files = sourceFiles(root, dir);
  const known = new Set(files);
  const exists = (file: string) => known.has(file) || fs.existsSync(path.join(root, file));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = importSpecifiers(fs.readFileSync(path.join(root, file), "utf8"), file)
      .map((s) => resolveSpecifier(file, s, exists))
      .filter((t): t is string => t !== undefined);
    edges.set(file, [...new Set(targets)]);
  }
  return { files, edges };
}
