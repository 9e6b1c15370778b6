/**
 * Progress of long commands, on standard error (standard output stays for results and
 * `--json`). On a terminal: one line redrawn at most ten times a second, with a bar,
 * counts, rate and time left. Elsewhere (CI logs, pipes): a plain line every 10 % or
 * every 5 seconds, whichever comes first.
 */

export interface Progress {
  /** Reports that `done` of `total` items are finished. */
  update(done: number, total?: number): void;
  /** Ends the progress display with a final line. */
  finish(summary?: string): void;
}

interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A progress reporter for `label` on `sink` (quiet: reports nothing). */
export function createProgress(sink: Sink, label: string, options: { quiet?: boolean } = {}): Progress {
  if (options.quiet) return { update() {}, finish() {} };
  const started = Date.now();
  let lastDraw = 0;
  let lastPct = -1;
  let total = 0;
  let done = 0;
  const line = () => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const left = rate > 0 && total > done ? Math.ceil((total - done) / rate) : 0;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    return `${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${pct}% ${done}/${total} ${rate.toFixed(0)}/s${left ? ` ~${left}s left` : ""}`;
  };
  return {
    update(d, t) {
      done = d;
      if (t !== undefined) total = t;
      const now = Date.now();
      if (sink.isTTY) {
        if (now - lastDraw >= 100 || done === total) {
          sink.write(`\r${line()}`);
          lastDraw = now;
        }
        return;
      }
      const pct = total > 0 ? Math.floor((done / total) * 10) : 0;
      if (pct !== lastPct || now - lastDraw >= 5000) {
        sink.write(`${line()}\n`);
        lastPct = pct;
        lastDraw = now;
      }
    },
    finish(summary) {
      if (sink.isTTY) sink.write(`\r${line()}\n`);
      if (summary) sink.write(`${label}: ${summary}\n`);
    },
  };
}
