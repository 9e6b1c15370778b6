/**
 * The command line of `rmos-contract`, parsed: `--base-url URL` (or RMOS_BASE_URL),
 * `--token T` (or RMOS_TOKEN, which keeps the token out of the process list),
 * `--read-only`, `--report-dir DIR`, `--max-runs N`, `--checks MODULE` (repeatable),
 * `--help`, `--version`. Anything
 * else is a usage error with a message saying what was wrong.
 */

/** The parsed options. */
export interface CliOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly readOnly: boolean;
  readonly reportDir?: string;
  readonly maxRuns: number;
  /** Modules whose `contractChecks` run after the contract's own (a plugin's checks). */
  readonly checks: readonly string[];
}

/** What the command line asks for. */
export type CliRequest =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | ({ readonly kind: "run" } & CliOptions);

/** A command line that cannot be run. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The help text. */
export const USAGE = `Usage: rmos-contract --base-url URL [--token T] [--read-only] [--report-dir DIR] [--max-runs N] [--checks MODULE]...

Checks the RMOS governance contract against a running installation.

  --base-url URL    the service root, e.g. https://rmos.example (env RMOS_BASE_URL)
  --token T         a bearer token (env RMOS_TOKEN; the environment keeps it out of ps)
  --read-only       create nothing: inspect existing runs, try refused modifications
  --report-dir DIR  write DIR/junit.xml and DIR/report.md
  --max-runs N      inspect at most the N newest existing runs (default 50)
  --checks MODULE   also run the contractChecks a module exports (a plugin package's,
                    e.g. rmos-plugin-machine-calibration/contract, or a path); repeatable
  --help, --version

Exit status: 0 every check passed, 1 a check failed, 2 unreachable or usage error.
`;

/** Parses `argv` (without node and the script) with `env` fallbacks. */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliRequest {
  let baseUrl = env.RMOS_BASE_URL;
  let token = env.RMOS_TOKEN;
  let readOnly = false;
  let reportDir: string | undefined;
  let maxRuns = 50;
  const checks: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith("--")) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case "--help":
      case "-h":
        return { kind: "help" };
      case "--version":
        return { kind: "version" };
      case "--base-url":
        baseUrl = value();
        break;
      case "--token":
        token = value();
        break;
      case "--read-only":
        readOnly = true;
        break;
      case "--report-dir":
        reportDir = value();
        break;
      case "--checks":
        checks.push(value());
        break;
      case "--max-runs": {
        const text = value();
        maxRuns = Number(text);
        if (!/^\d+$/.test(text) || maxRuns < 1 || maxRuns > 100000) {
          throw new UsageError(`--max-runs must be a whole number from 1 to 100000: ${text}`);
        }
        break;
      }
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  if (!baseUrl) throw new UsageError("--base-url (or RMOS_BASE_URL) is required");
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${baseUrl}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`--base-url must be http or https: ${baseUrl}`);
  }
  return {
    kind: "run",
    baseUrl,
    readOnly,
    maxRuns,
    checks,
    ...(token ? { token } : {}),
    ...(reportDir !== undefined ? { reportDir } : {}),
  };
}
