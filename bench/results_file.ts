/**
 * bench/results.md as blocks, one per benchmark (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`):
 * a run rewrites the blocks of the benchmarks it ran and keeps every other block as it
 * was, so `npm run bench -- runs` refreshes the runs numbers without erasing the
 * PostgreSQL ones measured earlier. Each block says when and on what it was measured.
 */

const HEADER = [
  "# Benchmark results",
  "",
  "Written by `npm run bench` (all benchmarks) or `npm run bench -- NAME…` (only those, each block replaced in place).",
  "Ratios compare measurements taken in the same run on the same machine; absolute numbers vary with load.",
  "Each block names the date and the machine it was measured on.",
].join("\n");

const BLOCK = /<!-- bench:([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g;

/** The blocks of a results file, by benchmark name, in file order. */
export function parseResultBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of text.matchAll(BLOCK)) blocks.set(match[1] as string, (match[2] as string).trimEnd());
  return blocks;
}

/**
 * The results file after a run: the previous blocks with `fresh` ones replacing (or
 * appended after) them, in the order `order` gives (names it does not know go last).
 */
export function mergeResults(previous: string, fresh: ReadonlyMap<string, string>, order: readonly string[]): string {
  const blocks = parseResultBlocks(previous);
  for (const [name, body] of fresh) blocks.set(name, body.trimEnd());
  const rank = (name: string) => {
    const at = order.indexOf(name);
    return at < 0 ? order.length : at;
  };
  const names = [...blocks.keys()].sort((a, b) => rank(a) - rank(b));
  const parts = [HEADER, ""];
  for (const name of names)
    parts.push(`<!-- bench:${name} -->`, blocks.get(name) as string, `<!-- /bench:${name} -->`, "");
  return parts.join("\n");
}
