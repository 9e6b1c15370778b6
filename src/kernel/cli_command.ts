/**
 * The shape of a CLI command, so that plugins can add `rmos <command>`s.
 *
 * A command receives its arguments (after its name), the standard streams and a
 * function that boots the kernel without an HTTP server; it returns the exit code.
 * Every command answers `--help` and supports `--json`.
 */
import type { Kernel } from "./kernel.js";

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CliRunContext {
  readonly args: readonly string[];
  readonly io: CliIo;
  /** Boots the kernel (stores opened; migrations applied only when `migrate` is true). */
  boot(options?: { migrate?: boolean }): Promise<Kernel>;
}

export interface CliCommand {
  /** The word after `rmos`. */
  readonly name: string;
  /** One line for `rmos --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  run(ctx: CliRunContext): Promise<number>;
}
