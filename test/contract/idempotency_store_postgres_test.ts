/**
 * The IdempotencyStore contract kit on PostgreSQL: PostgresIdempotencyStore on a real server, each case on a
 * fresh database migrated by its owner, the store running as the app role (SELECT and
 * INSERT, UPDATE only on mutable state), as the service runs it.
 */
import { idempotencyStoreContract } from "../../src/contracts/testing/idempotency_store_contract.js";
import { PostgresIdempotencyStore } from "../../src/plugins/runs/postgres_idempotency_store.js";
import { migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";

idempotencyStoreContract("PostgreSQL (app role)", async () => {
  const db = await migratedTestDatabaseWithRoles();
  const store = new PostgresIdempotencyStore(db.pool({ user: db.appRole }));
  return {
    store,
    cleanup: () => db.drop(),
  };
});
