/**
 * The error a configuration value that cannot be used raises. It lives in its own
 * module so that the settings of kernel parts (authentication's `auth_config.ts`) can
 * raise it while `config.ts` reads those settings, without an import cycle.
 */

/** Raised for a configuration value that cannot be used. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
