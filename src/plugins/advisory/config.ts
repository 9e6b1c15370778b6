/**
 * The advisory plugin's configuration, read from the environment through
 * `ctx.readConfig` so that a bad value stops the start with a message naming the
 * variable: the approval policy, and how the explanation provider is called (timeout
 * per attempt, number of attempts, base backoff between attempts).
 */
import { z } from "@hono/zod-openapi";

const whole = (fallback: number, min: number, max: number, unit: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number of ${unit}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max} ${unit}`)
    .default(fallback);

/** The built-in approval policies, by configuration name. */
export const POLICY_NAMES = ["auto-approve-green", "manual"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const AdvisoryConfigSchema = z
  .object({
    RMOS_ADVISORY_POLICY: z
      .enum(POLICY_NAMES, { message: `must be one of ${POLICY_NAMES.join(", ")}` })
      .default("auto-approve-green"),
    RMOS_ADVISORY_PROVIDER_TIMEOUT_MS: whole(5000, 1, 600_000, "milliseconds"),
    RMOS_ADVISORY_PROVIDER_ATTEMPTS: whole(3, 1, 10, "attempts"),
    RMOS_ADVISORY_PROVIDER_BACKOFF_MS: whole(200, 0, 60_000, "milliseconds"),
  })
  .transform((c) => ({
    policy: c.RMOS_ADVISORY_POLICY,
    provider: {
      timeoutMs: c.RMOS_ADVISORY_PROVIDER_TIMEOUT_MS,
      attempts: c.RMOS_ADVISORY_PROVIDER_ATTEMPTS,
      backoffMs: c.RMOS_ADVISORY_PROVIDER_BACKOFF_MS,
    },
  }));

export type AdvisoryConfig = z.infer<typeof AdvisoryConfigSchema>;
