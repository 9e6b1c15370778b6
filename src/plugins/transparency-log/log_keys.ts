/**
 * The log's signing key: the file named by RMOS_LOG_KEY_FILE, or — embedded default —
 * `<data dir>/log/signing.key`, generated on first start (mode 0600, created
 * exclusively so that two processes starting at once cannot both write one) under
 * the origin RMOS_LOG_ORIGIN. The key's name is the log's origin; a key file whose
 * name differs from an explicitly set RMOS_LOG_ORIGIN stops the start.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generateSigner, type NoteSigner, parseSignerKey } from "../../contracts/tlog/note_keys.js";
import { ConfigError, type PluginContext } from "../../kernel/plugin_api/plugin.js";
import { DEFAULT_ORIGIN, type LogConfig, LogConfigSchema } from "./config.js";

/**
 * Writes a new signer key for `origin` to `file` (mode 0600, refuses to overwrite:
 * EEXIST); answers the signer. The key is written whole to a temporary name first and
 * then linked into place, so that a process starting at the same moment reads either
 * no file or the complete key, never a half-written one.
 */
export function writeNewKeyFile(file: string, origin: string): NoteSigner {
  const { signer, signerKey } = generateSigner(origin);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = fs.openSync(temp, "wx", 0o600);
  try {
    try {
      fs.writeSync(fd, `${signerKey}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(temp, 0o600);
    fs.linkSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return signer;
}

/** Reads a signer key file. */
export function readKeyFile(file: string): NoteSigner {
  const parsed = parseSignerKey(fs.readFileSync(file, "utf8"));
  if (!parsed.ok) throw new ConfigError(`RMOS_LOG_KEY_FILE ${file}: ${parsed.reason}`);
  return parsed.signer;
}

/** The key the log signs with, and whether it was generated now. */
export function loadLogKey(options: { keyFile?: string; dataDir: string; origin: string; originExplicit: boolean }): {
  signer: NoteSigner;
  generated: boolean;
  file: string;
} {
  if (options.keyFile) {
    const signer = readKeyFile(options.keyFile);
    if (options.originExplicit && signer.name !== options.origin) {
      throw new ConfigError(
        `RMOS_LOG_ORIGIN is ${options.origin} but the key in RMOS_LOG_KEY_FILE is named ${signer.name}: the origin is the key's name`,
      );
    }
    return { signer, generated: false, file: options.keyFile };
  }
  const file = path.join(options.dataDir, "log", "signing.key");
  if (fs.existsSync(file)) {
    const signer = readKeyFile(file);
    if (options.originExplicit && signer.name !== options.origin) {
      throw new ConfigError(
        `RMOS_LOG_ORIGIN is ${options.origin} but the log's key ${file} is named ${signer.name}: the origin is the key's name`,
      );
    }
    return { signer, generated: false, file };
  }
  try {
    return { signer: writeNewKeyFile(file, options.origin), generated: true, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      return { signer: readKeyFile(file), generated: false, file };
    throw error;
  }
}

/** The plugin's configuration and the key it names (loaded, or generated on first start), for either store. */
export function logSetupOf(ctx: PluginContext): { config: LogConfig; key: ReturnType<typeof loadLogKey> } {
  const config = ctx.readConfig(LogConfigSchema);
  const key = loadLogKey({
    keyFile: config.RMOS_LOG_KEY_FILE,
    dataDir: ctx.config.dataDir,
    origin: config.RMOS_LOG_ORIGIN ?? DEFAULT_ORIGIN,
    originExplicit: config.RMOS_LOG_ORIGIN !== undefined,
  });
  return { config, key };
}
