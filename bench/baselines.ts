/**
 * Baselines the benchmarks compare against, measured in the same run on the same
 * disk: the raw durable write loop a write-once store cannot beat, and a bare node:http
 * server answering fixed JSON (the HTTP ceiling of a read).
 */
import { spawn } from "node:child_process";
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

/** A bare node:http server answering a fixed JSON artifact, in its own process like the service. */
export async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const payload = JSON.stringify(makeArtifact());
  const code = `const http = require("node:http"); const body = ${JSON.stringify(payload)};
    const s = http.createServer((q, r) => { r.writeHead(200, { "content-type": "application/json" }); r.end(body); });
    s.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: s.address().port })));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
