/**
 * Configuration from the environment, validated once at start.
 *
 * Every variable of SPEC "Configuration" is parsed by one zod schema; a bad value
 * stops the start with a message that names the variable and says what it must be.
 * Plugins read their own variables through `PluginContext.readConfig`, with the same
 * error form.
 */
import path from "node:path";
import { z } from "@hono/zod-openapi";

/** Raised for a configuration value that cannot be used. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const MiB = 1024 * 1024;

const bytes = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number of bytes")
    .transform(Number)
    .refine((n) => n > 0 && Number.isSafeInteger(n), "must be a positive number of bytes")
    .default(fallback);

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .transform((v) => v === "true" || v === "1" || v === "yes")
    .default(fallback);

export const ConfigSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d+$/, "must be a port number")
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, "must be between 0 and 65535")
    .default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  RMOS_DATA_DIR: z.string().min(1).default("./data"),
  RMOS_DATABASE_URL: z
    .string()
    .refine(
      (v) => v.startsWith("sqlite:") || v.startsWith("postgres://") || v.startsWith("postgresql://"),
      "must be sqlite:<file> or postgres://...",
    )
    .optional(),
  RMOS_MAX_BODY_BYTES: bytes(8 * MiB),
  RMOS_MAX_ATTACHMENT_BYTES: bytes(1024 * MiB),
  RMOS_PLUGINS: z.string().default("all"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RMOS_AUTO_MIGRATE: bool(true),
  RMOS_CACHE_BYTES: bytes(32 * MiB),
});

/** The validated configuration, with the data directory made absolute. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly maxBodyBytes: number;
  readonly maxAttachmentBytes: number;
  /** Plugin names to load, or "all". */
  readonly plugins: readonly string[] | "all";
  readonly logLevel: string;
  readonly autoMigrate: boolean;
  readonly cacheBytes: number;
  /** The raw environment, for plugins' own variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Formats zod issues as "NAME: message" lines. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join(".") || "(value)"}: ${i.message}`).join("\n");
}

/** Parses and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration:\n${describeIssues(parsed.error)}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.RMOS_DATA_DIR);
  const plugins =
    c.RMOS_PLUGINS.trim() === "all"
      ? "all"
      : c.RMOS_PLUGINS.split(",")
          .map((p) => p.trim())
          .filter(Boolean);
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir,
    databaseUrl: c.RMOS_DATABASE_URL ?? `sqlite:${path.join(dataDir, "rmos.db")}`,
    maxBodyBytes: c.RMOS_MAX_BODY_BYTES,
    maxAttachmentBytes: c.RMOS_MAX_ATTACHMENT_BYTES,
    plugins,
    logLevel: c.LOG_LEVEL,
    autoMigrate: c.RMOS_AUTO_MIGRATE,
    cacheBytes: c.RMOS_CACHE_BYTES,
    env,
  };
}
