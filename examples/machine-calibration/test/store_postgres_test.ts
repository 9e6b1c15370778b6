/**
 * The CalibrationStore contract kit on PostgreSQL: a fresh database on a real server per
 * case (the suite's, RMOS_TEST_PG_URL, or one this file starts), migrated by a kernel
 * that loaded this plugin — the kernel's migrator installs the insert-only trigger of
 * the plugin's audit-trail table.
 */
import { testDatabase } from "rmos-runs/testing/postgres_server.js";
import { startTestKernel } from "rmos-runs/testing/test_kernel.js";
import { plugin } from "../src/mod.js";
import { SqlCalibrationStore } from "../src/store.js";
import { calibrationStoreContract } from "../src/testing/calibration_store_contract.js";

calibrationStoreContract("PostgreSQL", async () => {
  const db = await testDatabase();
  const t = await startTestKernel({ plugins: [], extraPlugins: [plugin], env: { RMOS_DATABASE_URL: db.url } });
  return {
    store: new SqlCalibrationStore(t.kernel.database),
    db: t.kernel.database,
    cleanup: async () => {
      await t.close();
      await db.drop();
    },
  };
});
