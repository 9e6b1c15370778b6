/**
 * The console's settings: `RMOS_CONSOLE_SECRET`, the secret its session cookies are
 * sealed under (at least 32 characters; every instance behind one load balancer needs
 * the same value; without it a key is generated once under the data directory, which
 * instances sharing that directory share), and `RMOS_CONSOLE_SESSION_SECONDS`, how long
 * a sign-in lasts (default 8 hours, from 60 seconds to 7 days).
 */
import { z } from "@hono/zod-openapi";

/** The console's environment variables, validated at start. */
export const ConsoleConfigSchema = z.object({
  RMOS_CONSOLE_SECRET: z
    .string()
    .min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  RMOS_CONSOLE_SESSION_SECONDS: z
    .string()
    .regex(/^\d+$/, "must be a whole number of seconds")
    .transform(Number)
    .refine((n) => n >= 60 && n <= 7 * 24 * 3600, "must be between 60 and 604800 seconds")
    .default(8 * 3600),
});

export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;
