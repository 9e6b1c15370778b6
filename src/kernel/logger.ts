/**
 * Structured logging with pino: JSON lines on standard output (standard error for the
 * CLI, so that `--json` output stays clean), one line per request carrying its
 * request id. Authorization and cookie headers are redacted wherever a header object is
 * logged, so that a credential cannot reach the logs even through an error's context.
 */
import { pino } from "pino";

export type Logger = pino.Logger;

/** The paths pino censors: every spelling of a credential-bearing header we could log. */
export const REDACTED_PATHS: readonly string[] = [
  "authorization",
  "Authorization",
  "headers.authorization",
  "headers.Authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.Authorization",
  "*.headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
];

/** The options of every logger of the service: level, base fields, redaction. */
export function loggerOptions(level: string): pino.LoggerOptions {
  return { level, base: { service: "rmos-runs" }, redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" } };
}

/** A logger at `level`, writing to file descriptor `fd` (1 = stdout, 2 = stderr). */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino(loggerOptions(level), pino.destination({ fd, sync: false }));
}
