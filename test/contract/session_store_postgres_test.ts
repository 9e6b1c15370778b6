/**
 * The SessionStore contract kit on PostgreSQL: PostgresSessionStore on a real server, each case on a
 * fresh database migrated by its owner, the store running as the app role (SELECT and
 * INSERT, UPDATE only on mutable state), as the service runs it.
 */
import { sessionStoreContract } from "../../src/contracts/testing/session_store_contract.js";
import { PostgresSessionStore } from "../../src/plugins/workflow-sessions/postgres_session_store.js";
import { migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";

sessionStoreContract("PostgreSQL (app role)", async () => {
  const db = await migratedTestDatabaseWithRoles();
  const store = new PostgresSessionStore(db.pool({ user: db.appRole }));
  return {
    store,
    cleanup: () => db.drop(),
  };
});
