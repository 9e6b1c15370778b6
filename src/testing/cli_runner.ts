/**
 * Test support: runs the `rmos` CLI in process with captured output and a given
 * environment (restored afterwards).
 */
import { Writable } from "node:stream";
import { main } from "../cli/main.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): Writable & { text: string } {
  const s = new Writable({
    write(chunk, _enc, done) {
      s.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  s.text = "";
  return s;
}

/** Runs `rmos ...args` with `env` added to process.env for the duration. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: "silent", ...env });
  const stdout = sink();
  const stderr = sink();
  try {
    const code = await main(args, { stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
