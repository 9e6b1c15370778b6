/**
 * Argument parsing for the CLI commands, on `node:util` parseArgs: every command gets
 * `--help` and `--json`, unknown options are errors with the command's usage.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The options every command has. */
type HelpAndJson = { help: { type: "boolean"; short: "h" }; json: { type: "boolean" } };

/** Parses `args` with the command's `options` plus --help and --json. */
export function parseCommandArgs<O extends Options>(
  args: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O & HelpAndJson; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" }, json: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Writes a JSON document on its own line. */
export function writeJson(out: NodeJS.WritableStream, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
