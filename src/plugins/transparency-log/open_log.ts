/**
 * Opening the log for a kernel: read the configuration, load (or generate) the key,
 * build the store, signer and service, sign a checkpoint for whatever is not yet
 * covered (the empty tree on first start), and start the signer's timer. The
 * verifier key is logged at every start so that operators can publish it.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { PluginContext } from "../../kernel/plugin_api/plugin.js";
import { CheckpointSigner, InconsistentLogError } from "./checkpoint_signer.js";
import { logSetupOf } from "./log_keys.js";
import { TransparencyLogService } from "./log_service.js";
import { SqliteLogStore } from "./sqlite_log_store.js";

export interface OpenedLog {
  readonly service: TransparencyLogService;
  readonly signer: CheckpointSigner;
  close(): void;
}

/** Opens the log on the kernel's SQLite connection `connection` with the plugin's configuration. */
export function openTransparencyLog(connection: BetterSqlite3.Database, ctx: PluginContext): OpenedLog {
  const { config, key } = logSetupOf(ctx);
  const store = new SqliteLogStore(connection);
  const signer = new CheckpointSigner(store, key.signer, {
    intervalMs: config.RMOS_LOG_CHECKPOINT_INTERVAL_MS,
    logger: ctx.logger,
  });
  const service = new TransparencyLogService(store, signer, key.signer, config.RMOS_LOG_CHECKPOINT_INTERVAL_MS);
  ctx.logger.info(
    { origin: service.origin, verifier_key: service.verifierKey, key_file: key.file, generated: key.generated },
    key.generated ? "transparency log: new signing key generated" : "transparency log: signing key loaded",
  );
  try {
    signer.signNow();
  } catch (error) {
    if (!(error instanceof InconsistentLogError)) throw error;
  }
  signer.start();
  return { service, signer, close: () => signer.close() };
}
