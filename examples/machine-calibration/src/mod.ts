/**
 * The machine-calibration plugin: write-once calibration records of the CNC machines
 * (spindle runout, probe offsets, when and by whom measured) kept beside the runs, so
 * that an audit of a run can show how the machine that cut it was calibrated. A plugin
 * in its own package: it imports only the service's public plugin API (rmos-runs/…),
 * and is loaded with RMOS_PLUGINS=all,<this package>.
 */
import { DATABASE } from "rmos-runs/contracts/ports/database.js";
import { definePlugin } from "rmos-runs/plugin-api/plugin.js";
import { registerCalibrationRoutes } from "./routes.js";
import { CalibrationService } from "./service.js";
import { SqlCalibrationStore } from "./store.js";

export const plugin = definePlugin({
  name: "machine-calibration",
  apiVersion: 1,
  description:
    "Write-once machine calibration records (spindle runout, probe offsets) kept beside the runs; from the package rmos-plugin-machine-calibration.",
  consumes: { db: DATABASE },
  migrations: {
    sqlite: new URL("../../migrations/sqlite/", import.meta.url),
    postgres: new URL("../../migrations/postgres/", import.meta.url),
  },
  init({ db }) {
    const service = new CalibrationService(new SqlCalibrationStore(db));
    return { routes: (r) => registerCalibrationRoutes(r, service) };
  },
});

export default plugin;
