/**
 * Test and benchmark support: runs an ES module script in a child Node process and
 * collects its output, so that tests can race real processes (two migrators, two
 * writers) and benchmarks can measure a process of their own.
 */
import { spawn } from "node:child_process";

export interface ScriptResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `code` with `node --input-type=module -e`, `env` added to this process's environment. */
export function runNodeScript(code: string, env: Record<string, string> = {}): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like runNodeScript, but rejects (with the child's stderr) unless it exits 0; resolves to stdout. */
export async function runNodeScriptOk(code: string, env: Record<string, string> = {}): Promise<string> {
  const result = await runNodeScript(code, env);
  if (result.code !== 0) throw new Error(`child exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
