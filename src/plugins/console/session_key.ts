/**
 * The key console sessions are sealed under. From `RMOS_CONSOLE_SECRET` when set
 * (HKDF-SHA256 of the secret, so any long random string will do and every instance
 * given the same secret derives the same key); otherwise 32 random bytes kept in
 * `<data>/console/session.key` (mode 0600), created once — by whichever instance gets
 * there first — and read by every instance that shares the data directory. Without a
 * data directory (the PostgreSQL backend keeps no files), a key of this process only:
 * sessions then end with the process and are not shared, which the start warns about.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The source of a key made for this process alone (no secret, no data directory). */
export const EPHEMERAL_KEY = "ephemeral";

/** Where the generated key lives under the data directory. */
export function sessionKeyFile(dataDir: string): string {
  return path.join(dataDir, "console", "session.key");
}

/** The 32-byte key derived from a configured secret. */
export function keyFromSecret(secret: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", secret, "rmos-console", "session-seal/1", 32));
}

function readKeyFile(file: string): Buffer {
  const text = fs.readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`${file} does not hold a console session key (64 hex characters); remove it to make a new one`);
  }
  return Buffer.from(text, "hex");
}

/** The key from `secret`, or the one under `dataDir` (made on first use). */
export function loadSessionKey(options: { secret?: string | undefined; dataDir: string | undefined }): {
  key: Buffer;
  source: string;
} {
  if (options.secret) return { key: keyFromSecret(options.secret), source: "RMOS_CONSOLE_SECRET" };
  if (options.dataDir === undefined) return { key: crypto.randomBytes(32), source: EPHEMERAL_KEY };
  const file = sessionKeyFile(options.dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    // Written whole to a temporary name, then linked into place: linking fails if another
    // instance got there first, so every instance ends up reading the one key.
    const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(temp, `${crypto.randomBytes(32).toString("hex")}\n`, { mode: 0o600, flush: true });
    try {
      fs.linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  return { key: readKeyFile(file), source: file };
}
