/**
 * The governance contract (@rmos/contract) against the in-process app on PostgreSQL:
 * a fresh database migrated by its owner with an app role, the kernel running as that
 * role with RMOS_AUTO_MIGRATE=false (as production does), every plugin loaded; first
 * in full mode (it creates runs), then read-only over the runs that left.
 */
import { after, before } from "node:test";
import { type RoleTestDatabase, migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";
import { contractSuite } from "./contract_suite.js";

let db: RoleTestDatabase;
let t: TestKernel;
before(async () => {
  db = await migratedTestDatabaseWithRoles();
  t = await startTestKernel({
    env: { RMOS_DATABASE_URL: withUser(db.url, db.appRole), RMOS_AUTO_MIGRATE: "false" },
  });
});
after(async () => {
  await t?.close();
  await db?.drop();
});

const target = () => ({
  name: "in-process app on PostgreSQL",
  fetch: (path: string, init?: RequestInit) => t.request(path, init),
});
contractSuite("in-process app on PostgreSQL", target, { readOnly: false });
contractSuite("in-process app on PostgreSQL", target, { readOnly: true });
