/**
 * The CalibrationStore contract kit on the embedded backend: the store on the SQLite
 * database of a real kernel that loaded this plugin (so the plugin's own migrations made
 * the table).
 */
import { startTestKernel } from "rmos-runs/testing/test_kernel.js";
import { plugin } from "../src/mod.js";
import { SqlCalibrationStore } from "../src/store.js";
import { calibrationStoreContract } from "../src/testing/calibration_store_contract.js";

calibrationStoreContract("SQLite (embedded)", async () => {
  const t = await startTestKernel({ plugins: [], extraPlugins: [plugin] });
  return { store: new SqlCalibrationStore(t.kernel.database), db: t.kernel.database, cleanup: () => t.close() };
});
