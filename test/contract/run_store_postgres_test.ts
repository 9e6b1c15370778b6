/**
 * The RunStore contract against the PostgreSQL store, on a real server: each factory
 * call gets a fresh migrated database of this file's server (see
 * src/testing/postgres_server.ts), so the suites share nothing.
 */
import { runStoreContract } from "../../src/contracts/testing/run_store_contract.js";
import { PostgresRunStore } from "../../src/plugins/runs/postgres_run_store.js";
import { migratedTestDatabase } from "../../src/testing/postgres_schema.js";

runStoreContract("PostgreSQL", async () => {
  const db = await migratedTestDatabase();
  const store = new PostgresRunStore(db.pool());
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});
