/**
 * The AdvisoryStore contract kit on PostgreSQL: PostgresAdvisoryStore on a real server, each case on a
 * fresh database migrated by its owner, the store running as the app role (SELECT and
 * INSERT, UPDATE only on mutable state), as the service runs it.
 */
import { advisoryStoreContract } from "../../src/contracts/testing/advisory_store_contract.js";
import { PostgresAdvisoryStore } from "../../src/plugins/advisory/postgres_store.js";
import { migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";

advisoryStoreContract("PostgreSQL (app role)", async () => {
  const db = await migratedTestDatabaseWithRoles();
  const store = new PostgresAdvisoryStore(db.pool({ user: db.appRole }));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});
