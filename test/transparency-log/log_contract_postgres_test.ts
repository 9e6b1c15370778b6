/**
 * Runs the transparency log contract kit against the PostgreSQL log: each case on a
 * fresh database migrated by its owner, the log running as the app role (SELECT and
 * INSERT on the leaves, tiles and checkpoints; UPDATE only on the intents), as the
 * service runs it, with a key generated for the case.
 */
import { transparencyLogContract } from "../../src/contracts/testing/transparency_log_contract.js";
import { generateSigner } from "../../src/contracts/tlog/note_keys.js";
import { createLogger } from "../../src/kernel/logger.js";
import { PostgresCheckpointSigner } from "../../src/plugins/transparency-log/postgres_checkpoint_signer.js";
import { PostgresTransparencyLogService } from "../../src/plugins/transparency-log/postgres_log_service.js";
import { PostgresLogStore } from "../../src/plugins/transparency-log/postgres_log_store.js";
import { migratedTestDatabaseWithRoles } from "../../src/testing/postgres_schema.js";

transparencyLogContract("PostgreSQL (app role)", async () => {
  const db = await migratedTestDatabaseWithRoles();
  const store = new PostgresLogStore(db.pool({ user: db.appRole, max: 10 }));
  const { signer: key } = generateSigner("contract.example/log");
  const signer = new PostgresCheckpointSigner(store, key, { intervalMs: 3_600_000, logger: createLogger("silent") });
  const log = new PostgresTransparencyLogService(store, signer, key, 3_600_000);
  return {
    log,
    dispose: async () => {
      await signer.close();
      await db.drop();
    },
  };
});
