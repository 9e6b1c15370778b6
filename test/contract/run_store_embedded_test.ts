/**
 * The RunStore contract against the embedded store (files + SQLite index), through a
 * real kernel on a temporary data directory.
 */
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { runStoreContract } from "../../src/contracts/testing/run_store_contract.js";
import { runsPlugin } from "../../src/plugins/runs/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

runStoreContract("embedded (files + SQLite)", async () => {
  const t = await startTestKernel({ plugins: [runsPlugin] });
  return { store: t.kernel.resolve(RUN_STORE), cleanup: () => t.close() };
});
