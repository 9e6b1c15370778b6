/**
 * The IdempotencyStore contract against the SQLite store, through a real kernel (the
 * runs plugin) on a temporary data directory: the store as the plugin provides it, on
 * the migrated database.
 */
import { IDEMPOTENCY_STORE } from "../../src/contracts/ports/idempotency_store.js";
import { idempotencyStoreContract } from "../../src/contracts/testing/idempotency_store_contract.js";
import { runsPlugin } from "../../src/plugins/runs/mod.js";
import { startTestKernel } from "../../src/testing/test_kernel.js";

idempotencyStoreContract("SQLite (embedded)", async () => {
  const t = await startTestKernel({ plugins: [runsPlugin] });
  return { store: t.kernel.resolve(IDEMPOTENCY_STORE), cleanup: () => t.close() };
});
