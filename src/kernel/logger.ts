/**
 * Structured logging with pino: JSON lines on standard output (standard error for the
 * CLI, so that `--json` output stays clean), one line per request carrying its
 * request id.
 */
import { pino } from "pino";

export type Logger = pino.Logger;

/** A logger at `level`, writing to file descriptor `fd` (1 = stdout, 2 = stderr). */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino({ level, base: { service: "rmos-runs" } }, pino.destination({ fd, sync: false }));
}
