/**
 * Baselines the benchmarks compare against, measured in the same run on the same
 * disk: the raw durable write loop a write-once store cannot beat.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { canonicalize } from "../src/contracts/jcs.js";
import { makeArtifact } from "../src/contracts/testing/artifacts.js";

/** Files/s of write + fsync + rename + directory fsync, one thread, `count` artifact-sized files in `dir`. */
export function rawDurableLoop(dir: string, count: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const body = Buffer.from(canonicalize(makeArtifact()));
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const tmp = path.join(dir, `.tmp-${i}`);
    const fd = fs.openSync(tmp, "wx");
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, path.join(dir, `${i}.json`));
    const d = fs.openSync(dir, "r");
    fs.fsyncSync(d);
    fs.closeSync(d);
  }
  return count / ((performance.now() - start) / 1000);
}
