/**
 * Runs the transparency log contract kit against the embedded SQLite log (a fresh
 * kernel with only the transparency-log plugin on a temporary data directory).
 */
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { transparencyLogContract } from "../../src/contracts/testing/transparency_log_contract.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

transparencyLogContract("embedded (SQLite)", async () => {
  const t = await startTestKernel({
    plugins: [transparencyLogPlugin],
    env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "3600000" },
  });
  return { log: t.kernel.resolve(TRANSPARENCY_LOG), dispose: () => t.close() };
});
