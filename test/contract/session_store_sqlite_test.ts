/**
 * The SessionStore contract against the SQLite store, through a real kernel (runs and
 * workflow-sessions plugins) on a temporary data directory: the store as the plugin
 * provides it, on the migrated database.
 */
import { SESSION_STORE } from "../../src/contracts/ports/session_store.js";
import { sessionStoreContract } from "../../src/contracts/testing/session_store_contract.js";
import { runsPlugin } from "../../src/plugins/runs/mod.js";
import { workflowSessionsPlugin } from "../../src/plugins/workflow-sessions/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

sessionStoreContract("SQLite (embedded)", async () => {
  const t = await startTestKernel({ plugins: [runsPlugin, workflowSessionsPlugin] });
  return { store: t.kernel.resolve(SESSION_STORE), cleanup: () => t.close() };
});
