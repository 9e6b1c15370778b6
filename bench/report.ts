/**
 * The benchmark report: each benchmark returns a section of rows (metric, measured
 * value, the baseline measured in the same run, their ratio, the target and whether
 * it was met) plus notes; `renderReport` turns sections into bench/results.md.
 */

export interface BenchRow {
  readonly metric: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  readonly pass: boolean;
}

export interface BenchSection {
  readonly title: string;
  readonly rows: BenchRow[];
  readonly notes: string[];
}

/** Markdown for one benchmark's sections, with when and on what machine they ran. */
export function renderReport(sections: readonly BenchSection[], machine: string): string {
  const parts: string[] = [];
  for (const s of sections) {
    parts.push(
      `## ${s.title}`,
      "",
      "| metric | value | baseline (same run) | ratio | target | met |",
      "|---|---|---|---|---|---|",
    );
    for (const r of s.rows) {
      parts.push(
        `| ${r.metric} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.pass ? "yes" : "**no**"} |`,
      );
    }
    if (s.notes.length) parts.push("", ...s.notes.map((n) => `- ${n}`));
    parts.push("");
  }
  parts.push(`_Measured by \`npm run bench\` on ${new Date().toISOString()} — ${machine}._`);
  return parts.join("\n");
}

/** Formats a number with a fixed number of decimals. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
