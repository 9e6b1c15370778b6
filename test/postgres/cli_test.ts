/**
 * The command line on PostgreSQL (a real server, the database migrated by its owner,
 * the commands run as the app role): `rmos v1 migrate` imports the committed v1 sample
 * straight into PostgreSQL, `rmos verify` then re-checks every run and blob there and
 * finds exactly the sample's deliberately broken record, `rmos schemas list-versions`
 * counts the runs, and `rmos db copy` refuses a target that is not PostgreSQL.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/testing/cli_runner.js";
import { migratedTestDatabaseWithRoles, type RoleTestDatabase } from "../../src/testing/postgres_schema.js";
import { withUser } from "../../src/testing/postgres_server.js";
import { tempDir } from "../../src/testing/test_kernel.js";

const SAMPLE = fileURLToPath(new URL("../../../test/fixtures/v1/sample/", import.meta.url));
let db: RoleTestDatabase;
let env: Record<string, string>;
let dataDir: string;

before(async () => {
  db = await migratedTestDatabaseWithRoles();
  dataDir = tempDir("rmos-pg-cli-");
  env = { RMOS_DATABASE_URL: withUser(db.url, db.appRole), RMOS_AUTO_MIGRATE: "false", RMOS_DATA_DIR: dataDir };
});
after(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await db?.drop();
});

test("v1 migrate into PostgreSQL, then verify and schemas there", async () => {
  const imported = await runCli(["v1", "migrate", "--from", SAMPLE, "--json", "--quiet"], env);
  assert.equal(imported.code, 0, imported.stderr);
  const report = JSON.parse(imported.stdout) as { imported: number; unaccounted: number };
  assert.ok(report.imported > 0, "runs imported");

  const verified = await runCli(["verify", "--json", "--quiet"], env);
  const checked = JSON.parse(verified.stdout) as { runs: number; failures: Array<{ run_id?: string }> };
  assert.equal(checked.runs, report.imported, "verify reads every imported run from PostgreSQL");
  // The sample names one attachment it does not ship (a deliberately dirty record).
  assert.deepEqual(
    checked.failures.map((f) => f.run_id),
    ["run_b8adc656cdb5"],
  );
  assert.equal(verified.code, 1);

  const schemas = await runCli(["schemas", "list-versions", "--json"], env);
  assert.equal(schemas.code, 0, schemas.stderr);
  const counts = JSON.parse(schemas.stdout) as { distribution: Record<string, number> };
  assert.equal(
    Object.values(counts.distribution).reduce((a, b) => a + b, 0),
    report.imported,
  );
});

test("db copy refuses a target that is not PostgreSQL", async () => {
  const refused = await runCli(["db", "copy", "--to", "sqlite:/tmp/elsewhere.db"], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--to postgres:\/\//);
});

test("an unreachable database stops a command with a message naming it, without its password", async () => {
  const refused = await runCli(["verify"], {
    RMOS_DATABASE_URL: "postgres://rmos:s3cret-pw@127.0.0.1:1/rmos",
    RMOS_DATA_DIR: dataDir,
  });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /cannot use the database postgres:\/\/127\.0\.0\.1:1\/rmos: .*ECONNREFUSED/);
  assert.doesNotMatch(refused.stderr, /s3cret-pw/);
});
