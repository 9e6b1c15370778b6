/**
 * The command line of the v1 store generator (`npm run gen:v1 -- OUT [--count N]
 * [--seed S] [--no-dirty] [--json]`): writes a v1 store into OUT and prints what it
 * wrote — the number of records and blobs and, for each kind of dirt, how many records
 * carry it (with `--json`, the whole report, every record named). Exit 0 on success,
 * 2 on a usage error. Run directly (`node dist/src/plugins/v1-compat/testing/gen_v1_store.js`)
 * it reads `process.argv`.
 */

import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { generateV1Store, V1_DIRTY_CASES } from "./v1_store_generator.js";

const USAGE = `usage: npm run gen:v1 -- OUT [--count N] [--seed S] [--no-dirty] [--json]

Writes a legacy (v1) store into OUT: runs.json and attachments/<sha[:2]>/<sha>.
  --count N    number of records (default 200)
  --seed S     seed: the same seed writes the same bytes (default 1)
  --no-dirty   only clean records (no naive time, missing risk level, lost blob, ...)
  --json       print the report (every dirty record named) as JSON
`;

/** Output streams of {@link main} (the process's by default). */
export interface GenV1Io {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

function nonNegative(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new Error(`${name} must be a non-negative integer: ${text}`);
  return n;
}

/** Runs the generator with command-line `args`; answers the exit code. */
export function main(args: readonly string[], io: GenV1Io = { out: process.stdout, err: process.stderr }): number {
  let parsed: ReturnType<typeof parse>;
  let options: { out: string; count: number; seed: number; dirty: boolean };
  try {
    parsed = parse(args);
    if (parsed.values.help) {
      io.out.write(USAGE);
      return 0;
    }
    const [out, ...extra] = parsed.positionals;
    if (out === undefined || extra.length > 0) throw new Error("give exactly one output folder");
    options = {
      out,
      count: nonNegative(parsed.values.count, "--count", 200),
      seed: nonNegative(parsed.values.seed, "--seed", 1),
      dirty: !parsed.values["no-dirty"],
    };
  } catch (error) {
    io.err.write(`gen:v1: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const report = generateV1Store(path.resolve(options.out), options);
  if (parsed.values.json) {
    io.out.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  io.out.write(`wrote ${report.count} records and ${report.blobs} blobs to ${report.runsJson} (seed ${report.seed})\n`);
  if (report.dirty) {
    for (const c of V1_DIRTY_CASES) io.out.write(`  ${c}: ${report.cases[c].length}\n`);
  } else io.out.write("  no dirty records\n");
  return 0;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      count: { type: "string" },
      seed: { type: "string" },
      "no-dirty": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
