/**
 * Helpers shared by the v1-compat tests (not used by production code): locating the
 * shared fixtures, generating v1 stores with the reference Python generator, running
 * Python for cross-checks, feeding a buffer to the reader in chunks of a given size, and
 * collecting every entry (or the fatal error) of a read.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHARED_DIR } from "../../testing/paths.js";
import type { V1Entry } from "./v1_stream_reader.js";

/** The shared folder next to the repository (SPEC: `../shared/`), wherever the build lives. */
export { SHARED_DIR } from "../../testing/paths.js";

/** The sample v1 store (runs.json and attachments/). */
export const SAMPLE_DIR = join(SHARED_DIR, "fixtures", "v1", "sample");
/** The sample v1 store's runs.json. */
export const SAMPLE_RUNS = join(SAMPLE_DIR, "runs.json");
/** The reference v1 store generator. */
export const GENERATOR = join(SHARED_DIR, "tools", "gen_v1_store.py");

/** True when `python3` can be run (the cross-checks need it). */
export const HAS_PYTHON = spawnSync("python3", ["--version"]).status === 0;

/** Creates a fresh temporary directory; the caller removes it with {@link removeDir}. */
export function makeTempDir(prefix = "rmos-v1-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a directory tree made by {@link makeTempDir}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes a v1 store with the reference generator; returns the path of its runs.json. */
export function generateStore(outDir: string, count: number, seed: number): string {
  execFileSync("python3", [GENERATOR, outDir, "--count", String(count), "--seed", String(seed)]);
  return join(outDir, "runs.json");
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
