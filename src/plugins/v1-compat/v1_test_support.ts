/**
 * Helpers shared by the v1-compat tests (not used by production code): the committed
 * sample v1 store and the report of what it holds, generating v1 stores with the
 * project's generator, running Python for cross-checks (or saying, visibly, that it is
 * missing), feeding a buffer to the reader in chunks of a given size, and collecting
 * every entry (or the fatal error) of a read.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../../testing/paths.js";
import { generateV1Store, type V1StoreOptions, type V1StoreReport } from "./testing/v1_store_generator.js";
import type { V1Entry } from "./v1_stream_reader.js";

/** The committed sample v1 store (runs.json and attachments/), made by the project's generator. */
export const SAMPLE_DIR = fixturePath("v1", "sample");
/** The sample v1 store's runs.json. */
export const SAMPLE_RUNS = join(SAMPLE_DIR, "runs.json");
/** How the sample was generated (`npm run gen:v1 -- test/fixtures/v1/sample --count 40 --seed 1`). */
export const SAMPLE_OPTIONS: V1StoreOptions = { count: 40, seed: 1 };

let sampleReportMemo: V1StoreReport | undefined;

/**
 * The generator's report of the sample store: which records carry which dirt. It is
 * computed by generating the sample again (deterministic; a test proves the committed
 * bytes are exactly those), so that tests derive their expectations from it.
 */
export function sampleReport(): V1StoreReport {
  if (!sampleReportMemo) {
    const dir = makeTempDir("rmos-v1-sample-report-");
    try {
      const report = generateV1Store(dir, SAMPLE_OPTIONS);
      sampleReportMemo = { ...report, dir: SAMPLE_DIR, runsJson: SAMPLE_RUNS };
    } finally {
      removeDir(dir);
    }
  }
  return sampleReportMemo;
}

/** True when `python3` can be run (the cross-checks need it). */
export const HAS_PYTHON = spawnSync("python3", ["--version"]).status === 0;
/** The `skip` option of a test that needs Python: the reason is printed where python3 is missing. */
export const NEEDS_PYTHON_SKIP: string | false = HAS_PYTHON
  ? false
  : "python3 is not available: the Python cross-check of the v1 hash emulation is skipped";

/** Creates a fresh temporary directory; the caller removes it with {@link removeDir}. */
export function makeTempDir(prefix = "rmos-v1-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a directory tree made by {@link makeTempDir}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes a v1 store with the project's generator; returns the path of its runs.json. */
export function generateStore(outDir: string, count: number, seed: number, dirty = true): string {
  return generateV1Store(outDir, { count, seed, dirty }).runsJson;
}

/** Runs a Python program with UTF-8 stdin/stdout; returns stdout's lines. */
export function runPython(program: string, input: string): string[] {
  const out = execFileSync("python3", ["-c", program], {
    input: Buffer.from(input, "utf8"),
    env: { ...process.env, PYTHONIOENCODING: "utf-8" },
    maxBuffer: 256 * 1024 * 1024,
  });
  return out.toString("utf8").split("\n").slice(0, -1);
}

/** Splits `bytes` into chunks of `size` bytes (the last may be shorter). */
export function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Everything a read produced: its entries and the error that stopped it, if any. */
export interface ReadOutcome {
  readonly entries: V1Entry[];
  readonly error: unknown;
}

/** Drains an entry iterator, keeping the entries yielded before any thrown error. */
export async function drain(entries: AsyncIterable<V1Entry>): Promise<ReadOutcome> {
  const got: V1Entry[] = [];
  try {
    for await (const entry of entries) got.push(entry);
  } catch (error) {
    return { entries: got, error };
  }
  return { entries: got, error: undefined };
}
