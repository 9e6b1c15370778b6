/**
 * The artifact migration contract kit, run over every migration registered in two
 * installations: a kernel with the test-only demo migrations (0.9.0 → 2.0.0, 2.0.0 →
 * 2.1.0 → 2.2.0 and a 2.0.0 → 2.2.0 shortcut), and the real kernel with every
 * production plugin — so a migration another plugin contributes (v1-compat's 1.x →
 * 2.0.0) is checked here without a line added.
 */
import { registeredMigrationContracts } from "../../src/contracts/testing/artifact_migration_contract.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { startHarness } from "./harness.js";

registeredMigrationContracts("a kernel with the demo migrations", () => startHarness());
registeredMigrationContracts("the real kernel (all plugins)", () => startHarness(ALL_PLUGINS));
