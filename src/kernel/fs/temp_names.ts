/**
 * Names of temp files: `.tmp-<final name>-<pid>-<unique>`. Nothing with the prefix is
 * ever read as data; stores remove them at start, and the v1 import removes those whose
 * process (the pid, second to last) is gone.
 */
import { randomBytes } from "node:crypto";

/** The prefix of every temp file. */
export const TEMP_PREFIX = ".tmp-";

const processTag = randomBytes(4).toString("hex");
let tempCounter = 0;

/** A temp file name beside `finalName`, unique to this process and call. */
export function tempNameFor(finalName: string): string {
  tempCounter += 1;
  return `${TEMP_PREFIX}${finalName}-${process.pid}-${processTag}${tempCounter.toString(36)}`;
}
