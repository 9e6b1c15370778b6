/**
 * The AdvisoryStore contract against the embedded file store, through a real kernel
 * (runs and advisory plugins) on a temporary data directory: the store as the plugin
 * provides it, opened at start.
 */
import { ADVISORY_STORE } from "../../src/contracts/ports/advisory_store.js";
import { advisoryStoreContract } from "../../src/contracts/testing/advisory_store_contract.js";
import { advisoryPlugin } from "../../src/plugins/advisory/mod.js";
import { runsPlugin } from "../../src/plugins/runs/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

advisoryStoreContract("files (embedded)", async () => {
  const t = await startTestKernel({ plugins: [runsPlugin, advisoryPlugin] });
  return { store: t.kernel.resolve(ADVISORY_STORE), cleanup: () => t.close() };
});
