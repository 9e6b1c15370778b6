/**
 * Configuration from the environment, validated once at start.
 *
 * Every variable of SPEC "Configuration" is parsed by one zod schema; a bad value
 * stops the start with a message that names the variable and says what it must be.
 * Plugins read their own variables through `PluginContext.readConfig`, with the same
 * error form. The authentication settings (`RMOS_AUTH`, the OIDC variables) are read
 * by src/kernel/auth/auth_config.ts against the parsed `HOST`: secure by default.
 */
import path from "node:path";
import { z } from "@hono/zod-openapi";
import { type AuthConfig, loadAuthConfig } from "./auth/auth_config.js";

import { ConfigError } from "./config_error.js";

export { ConfigError };

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

// ─── Limits (issue 18: hostile clients, full disks, long load) ────────────────────────
// Every variable of this block is documented in docs/operations.md, "Limits". A value
// of 0 turns the limit off where the description says so.

const count = (fallback: number, min = 0) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= min && Number.isSafeInteger(n), `must be a whole number ≥ ${min}`)
    .default(fallback);

export const LimitsSchema = z.object({
  /** Time to receive the request line and headers. */
  RMOS_HEADERS_TIMEOUT_MS: count(10_000, 1),
  /** Time to receive a whole request, body included (408 after it). */
  RMOS_REQUEST_TIMEOUT_MS: count(300_000, 1),
  /** How long an idle keep-alive connection is kept. */
  RMOS_KEEP_ALIVE_TIMEOUT_MS: count(5_000, 1),
  /** Open connections at once; more are closed on arrival. */
  RMOS_MAX_CONNECTIONS: count(1024, 1),
  /** After refusing a body it did not read: how long, and how many bytes, to keep reading and discarding. */
  RMOS_LINGER_MS: count(2_000, 0),
  RMOS_LINGER_BYTES: count(16 * MiB, 0),
  /** Bound on a graceful stop (SIGTERM): in-flight requests get this long, then the process exits. */
  RMOS_SHUTDOWN_TIMEOUT_MS: count(10_000, 1),
  /** Per-client token bucket: sustained requests per second and burst; 0 turns rate limiting off. */
  RMOS_RATE_LIMIT_PER_SECOND: count(1_000, 0),
  RMOS_RATE_LIMIT_BURST: count(2_000, 1),
  /** Costly operations (verify, diff, schema migrate, suggest-and-attach) running at once, and waiting. */
  RMOS_COSTLY_CONCURRENCY: count(4, 1),
  RMOS_COSTLY_QUEUE: count(16, 0),
  /** Longest wait in that queue before 503. */
  RMOS_COSTLY_QUEUE_MS: count(2_000, 0),
  /** JSON body shape: nesting depth, members of one object, items of one array, characters of one string or key. */
  RMOS_JSON_MAX_DEPTH: count(64, 1),
  RMOS_JSON_MAX_KEYS: count(1_000, 1),
  RMOS_JSON_MAX_ARRAY: count(100_000, 1),
  RMOS_JSON_MAX_STRING: count(4 * MiB, 1),
  /** Request target: characters of the URL (414 above) and number of query parameters (400 above). */
  RMOS_MAX_URL_LENGTH: count(8_192, 64),
  RMOS_MAX_QUERY_PARAMS: count(64, 1),
  /** Bytes of request line and headers together (431 above). */
  RMOS_MAX_HEADER_BYTES: count(16 * 1024, 1024),
  /** /readyz reports the storage full when less than this is free on the data directory's file system. */
  RMOS_MIN_FREE_BYTES: count(64 * MiB, 0),
});

/** The limits, parsed (see {@link LimitsSchema} for what each one bounds). */
export interface HttpLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly lingerMs: number;
  readonly lingerBytes: number;
  readonly shutdownTimeoutMs: number;
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly costlyConcurrency: number;
  readonly costlyQueue: number;
  readonly costlyQueueMs: number;
  readonly jsonMaxDepth: number;
  readonly jsonMaxKeys: number;
  readonly jsonMaxArray: number;
  readonly jsonMaxString: number;
  readonly maxUrlLength: number;
  readonly maxQueryParams: number;
  readonly maxHeaderBytes: number;
  readonly minFreeBytes: number;
}

/** The limits of a parsed configuration. */
function limitsFrom(c: z.infer<typeof LimitsSchema>): HttpLimits {
  return {
    headersTimeoutMs: c.RMOS_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: c.RMOS_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: c.RMOS_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: c.RMOS_MAX_CONNECTIONS,
    lingerMs: c.RMOS_LINGER_MS,
    lingerBytes: c.RMOS_LINGER_BYTES,
    shutdownTimeoutMs: c.RMOS_SHUTDOWN_TIMEOUT_MS,
    rateLimitPerSecond: c.RMOS_RATE_LIMIT_PER_SECOND,
    rateLimitBurst: c.RMOS_RATE_LIMIT_BURST,
    costlyConcurrency: c.RMOS_COSTLY_CONCURRENCY,
    costlyQueue: c.RMOS_COSTLY_QUEUE,
    costlyQueueMs: c.RMOS_COSTLY_QUEUE_MS,
    jsonMaxDepth: c.RMOS_JSON_MAX_DEPTH,
    jsonMaxKeys: c.RMOS_JSON_MAX_KEYS,
    jsonMaxArray: c.RMOS_JSON_MAX_ARRAY,
    jsonMaxString: c.RMOS_JSON_MAX_STRING,
    maxUrlLength: c.RMOS_MAX_URL_LENGTH,
    maxQueryParams: c.RMOS_MAX_QUERY_PARAMS,
    maxHeaderBytes: c.RMOS_MAX_HEADER_BYTES,
    minFreeBytes: c.RMOS_MIN_FREE_BYTES,
  };
}
// ─── end of Limits ─────────────────────────────────────────────────────────────────────

export const ConfigSchema = z
  .object({
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
    RMOS_PG_POOL_MAX: z
      .string()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, "must be between 1 and 1000")
      .default(10),
  })
  .extend(LimitsSchema.shape);

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
  /** Connections of this instance's PostgreSQL pool (RMOS_PG_POOL_MAX). */
  readonly pgPoolMax: number;
  /** Limits against hostile and slow clients, full disks and long load (see the block at the end). */
  readonly limits: HttpLimits;
  /** Authentication: on or off (secure default from HOST), the identity provider, warnings to log at start. */
  readonly auth: AuthConfig;
  /** The raw environment, for plugins' own variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** RMOS_PLUGINS as "all" or its comma-separated entries (plugin names, package names or paths). */
export function parsePluginSelection(raw: string | undefined): readonly string[] | "all" {
  const value = (raw ?? "").trim();
  if (value === "" || value === "all") return "all";
  return value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
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
  const plugins = parsePluginSelection(c.RMOS_PLUGINS);
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
    pgPoolMax: c.RMOS_PG_POOL_MAX,
    limits: limitsFrom(c),
    auth: loadAuthConfig(env, c.HOST),
    env,
  };
}
