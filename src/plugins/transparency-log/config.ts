/**
 * The transparency log's environment variables: RMOS_LOG_KEY_FILE (the signer key
 * file; default: generated under the data dir), RMOS_LOG_ORIGIN (default
 * `rmos.localhost/log`; the generated key's name) and RMOS_LOG_CHECKPOINT_INTERVAL_MS
 * (default 1000: the longest a new leaf waits for a signed checkpoint).
 */
import { z } from "@hono/zod-openapi";

export const DEFAULT_ORIGIN = "rmos.localhost/log";

export const LogConfigSchema = z.object({
  RMOS_LOG_KEY_FILE: z.string().min(1).optional(),
  RMOS_LOG_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, "must be non-empty, without spaces or '+' (it is the signing key's name)")
    .optional(),
  RMOS_LOG_CHECKPOINT_INTERVAL_MS: z
    .string()
    .regex(/^\d+$/, "must be a whole number of milliseconds")
    .transform(Number)
    .refine((n) => n >= 10 && n <= 3_600_000, "must be between 10 and 3600000")
    .default(1000),
});

export type LogConfig = z.infer<typeof LogConfigSchema>;
