/**
 * The governance contract (@rmos/contract) against the in-process app on PostgreSQL:
 * a fresh database migrated by its owner with an app role, the kernel running as that
 * role with RMOS_AUTO_MIGRATE=false (as production does), every plugin loaded, and
 * RMOS_AUTH=on with a writer+reviewer API token issued into the PostgreSQL token store
 * (its anonymous probes carry none); first in full mode (it creates runs), then
 * read-only over the runs that left.
 */
import { after, before } from "node:test";
import type { ContractTarget } from "../../packages/contract/src/index.js";
import { type AuthKernel, startAuthKernel } from "../../src/testing/auth_kernel.js";
import { type RoleTestDatabase, migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { contractSuite } from "./contract_suite.js";

let db: RoleTestDatabase;
let k: AuthKernel;
before(async () => {
  db = await migratedTestDatabaseWithRoles();
  k = await startAuthKernel(
    { contract: ["writer", "reviewer"] },
    { env: { RMOS_DATABASE_URL: withUser(db.url, db.appRole), RMOS_AUTO_MIGRATE: "false" } },
  );
});
after(async () => {
  await k?.close();
  await db?.drop();
});

const target = (): ContractTarget => ({
  name: "in-process app on PostgreSQL (RMOS_AUTH=on)",
  fetch: (path, init) => k.t.request(path, k.as("contract", init)),
  fetchAnonymous: (path, init) => k.t.request(path, init),
});
contractSuite("in-process app on PostgreSQL", target, { readOnly: false });
contractSuite("in-process app on PostgreSQL", target, { readOnly: true });
