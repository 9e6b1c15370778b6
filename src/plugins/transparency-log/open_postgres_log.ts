/**
 * Opening the log on PostgreSQL for one instance: read the configuration, load the
 * key (every instance on one database must sign with the same key: the latest
 * checkpoint in the database must verify with this instance's key, or the start
 * stops and says so), build the store, signer and service, sign a checkpoint for
 * leaves not yet covered (the empty tree is signed on first request, not at start)
 * and start the signer's timer.
 */
import type pg from "pg";
import { parseVerifierKey } from "../../contracts/tlog/note_keys.js";
import { openNote } from "../../contracts/tlog/signed_note.js";
import { ConfigError, type PluginContext } from "../../kernel/plugin_api/plugin.js";
import { InconsistentLogError } from "./checkpoint_signer.js";
import { logSetupOf } from "./log_keys.js";
import { PostgresCheckpointSigner } from "./postgres_checkpoint_signer.js";
import { PostgresTransparencyLogService } from "./postgres_log_service.js";
import { PostgresLogStore } from "./postgres_log_store.js";

export interface OpenedPostgresLog {
  readonly service: PostgresTransparencyLogService;
  readonly signer: PostgresCheckpointSigner;
  close(): Promise<void>;
}

/** Opens the log on the instance's pool `pool` with the plugin's configuration. */
export async function openPostgresTransparencyLog(pool: pg.Pool, ctx: PluginContext): Promise<OpenedPostgresLog> {
  const { config, key } = logSetupOf(ctx);
  const store = new PostgresLogStore(pool);
  const signer = new PostgresCheckpointSigner(store, key.signer, {
    intervalMs: config.RMOS_LOG_CHECKPOINT_INTERVAL_MS,
    logger: ctx.logger,
  });
  const service = new PostgresTransparencyLogService(store, signer, key.signer, config.RMOS_LOG_CHECKPOINT_INTERVAL_MS);
  const latest = await store.latestCheckpoint(service.origin);
  if (latest) {
    const verifier = parseVerifierKey(service.verifierKey);
    if (!verifier.ok || !openNote(latest.note, [verifier.verifier]).ok) {
      throw new ConfigError(
        `the log in this database was signed by another key than ${key.file} (${service.verifierKey}): every instance on one database must use the log's key (RMOS_LOG_KEY_FILE)`,
      );
    }
  }
  ctx.logger.info(
    { origin: service.origin, verifier_key: service.verifierKey, key_file: key.file, generated: key.generated },
    key.generated ? "transparency log: new signing key generated" : "transparency log: signing key loaded",
  );
  // Leaves not yet covered (an instance stopped before its signer ran) are signed now.
  // The empty tree is not signed at start but on first request: a command run against a
  // fresh database from a host without the log's key (`rmos tokens create`, say) must
  // not leave a checkpoint signed by another key.
  if ((await store.size()) > (latest?.size ?? 0)) {
    try {
      await signer.signNow();
    } catch (error) {
      if (!(error instanceof InconsistentLogError)) throw error;
    }
  }
  signer.start();
  return { service, signer, close: () => signer.close() };
}
