/**
 * The suite's shared PostgreSQL server, for scripts/test.sh: starts a server (see
 * postgres_server.ts), prints its superuser URL as one line on stdout, and runs until
 * SIGTERM or SIGINT, when it stops the server and removes its folder. `--fast` starts
 * it without fsync (the suite's contract tests need no power-loss durability; a test
 * that does asks `testDatabase({ durable: true })` and gets a server of its own).
 */
import { startPostgresServer } from "./postgres_server.js";

const server = await startPostgresServer({ durable: !process.argv.includes("--fast") });
process.stdout.write(`${server.url}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stopping the test PostgreSQL failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Keeps the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
