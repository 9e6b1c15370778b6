/**
 * The shape of a CLI command, so that plugins can add `rmos <command>`s.
 *
 * A command receives its arguments (after its name), the standard streams and a
 * function that boots the kernel without an HTTP server; it returns the exit code.
 * Every command answers `--help` and supports `--json`. What a booted kernel offers a
 * command is the small {@link BootedKernel} view, not the kernel itself.
 */
import type { Token } from "../../contracts/token.js";
import type { AppConfig } from "../config.js";
import type { Logger } from "../logger.js";

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A started kernel as a command sees it: its configuration and the provided services. */
export interface BootedKernel {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** The loaded plugins' names, in load order. */
  readonly pluginNames: readonly string[];
  /** The service bound to `token`; throws naming the token when no loaded plugin provides it. */
  resolve<T>(token: Token<T>): T;
  /** The service bound to `token`, or undefined. */
  resolveOptional<T>(token: Token<T>): T | undefined;
  /** Closes the plugins and the database. */
  close(): Promise<void>;
}

export interface CliRunContext {
  readonly args: readonly string[];
  readonly io: CliIo;
  /** Boots the kernel (stores opened; migrations applied only when `migrate` is true). */
  boot(options?: { migrate?: boolean }): Promise<BootedKernel>;
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
