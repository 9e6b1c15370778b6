/**
 * The principal of an operator at the command line: `cli:<name>` from `--as NAME`, or
 * `cli:<os user>` by default. Keeping operators in the `cli:` namespace means a
 * command-line action can never be recorded as a token's or an identity provider's
 * principal. Commands that write (token issuing and revoking, imports, schema
 * migrations, db copy) record it like any other principal.
 */
import os from "node:os";
import { UsageError } from "../plugin_api/args.js";

const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Raised for an unusable `--as` value. */
export class OperatorNameError extends Error {
  override readonly name = "OperatorNameError";
}

/** `cli:<as>` (a leading `cli:` in `as` is not doubled), or `cli:<os user>` without `as`. */
export function operatorPrincipal(as?: string, osUser: () => string = () => os.userInfo().username): string {
  const name = as === undefined ? osUser() : as.startsWith("cli:") ? as.slice(4) : as;
  if (!OPERATOR_NAME.test(name)) {
    throw new OperatorNameError(
      `operator name "${name}" must be 1-64 characters of letters, digits and . _ @ -, starting with a letter or digit`,
    );
  }
  return `cli:${name}`;
}

/** The operator of a command's `--as` option: a bad name is a usage error (exit 2) naming `--as`. */
export function operatorOfOption(as: string | undefined): string {
  try {
    return operatorPrincipal(as);
  } catch (error) {
    if (error instanceof OperatorNameError) throw new UsageError(`--as: ${error.message}`);
    throw error;
  }
}
