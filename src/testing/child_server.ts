/**
 * Test support: the real service in a child process (`rmos serve` of this build), for
 * crash tests that kill it with SIGKILL. Resolves once it listens, with its URL.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface ChildServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for a graceful exit; resolves to the exit code. */
  stop(): Promise<number | null>;
}

const MAIN = new URL("../cli/main.js", import.meta.url).href;

/** Starts `rmos serve` of this build on 127.0.0.1 with an ephemeral port. */
export function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(MAIN)}); process.exitCode = await m.main(["serve", "--json"]);`,
    ],
    {
      env: { ...process.env, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (d) => {
      err += d;
    });
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /"url":\s*"([^"]+)"/.exec(out);
      if (m) {
        resolve({
          child,
          url: m[1] as string,
          kill9: async () => {
            child.kill("SIGKILL");
            await exited;
          },
          stop: async () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
      }
    });
    exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${err}`)));
  });
}
