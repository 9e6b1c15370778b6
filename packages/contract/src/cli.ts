#!/usr/bin/env node
/**
 * The `rmos-contract` executable: runs {@link main} with the process's arguments,
 * environment and standard streams, and exits with its status.
 */
import { main } from "./main.js";

const status = await main(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = status;
