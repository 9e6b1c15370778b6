/**
 * The one shape of a plugin: what it provides, what it consumes, and one `init`.
 *
 * A plugin names the tokens it provides and the tokens it consumes (a bare token is
 * required, `optional(T)` may be absent, `late(T)` is optional and resolved only after
 * every plugin is initialised — for the few services two plugins offer each other).
 * The kernel orders the plugins from that and calls `init` with the resolved, typed
 * dependencies. `init` does no I/O (so that `openapi.json` is built without a data
 * directory): it wires the plugin's services and stores and returns what it provides,
 * its routes (built from those services), and `start`/`close` for the I/O — `start`
 * runs after the database is open and migrated, in load order; `close` in reverse.
 * No plugin sees the kernel's registry: tokens in src/contracts are the only way
 * between plugins.
 */
import type { z } from "@hono/zod-openapi";
import type { Registry } from "prom-client";
import type { DatabaseKind } from "../../contracts/ports/database.js";
import type { Token } from "../../contracts/token.js";
import type { AppConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { CliCommand } from "./cli.js";
import type { RouteRegistrar } from "./routes.js";

export type { AppConfig } from "../config.js";
/** A bad configuration value found by a plugin at start (reported without a stack, exit 2 in the CLI). */
export { ConfigError } from "../config.js";
export type { Logger } from "../logger.js";

/** A dependency the plugin works without. */
export interface OptionalDependency<T> {
  readonly kind: "optional";
  readonly token: Token<T>;
}

/** An optional dependency read after every plugin is initialised (no ordering edge). */
export interface LateDependency<T> {
  readonly kind: "late";
  readonly token: Token<T>;
}

/** A required token, or an optional or late one. */
export type Dependency<T> = Token<T> | OptionalDependency<T> | LateDependency<T>;

/** What a plugin consumes: a name for each dependency. */
// biome-ignore lint/suspicious/noExplicitAny: the service types are inferred per entry
export type Consumes = Readonly<Record<string, Dependency<any>>>;

/** The dependencies `init` receives: required ones resolved, optional ones maybe undefined, late ones as getters. */
export type Resolved<C extends Consumes> = {
  readonly [K in keyof C]: C[K] extends OptionalDependency<infer T>
    ? T | undefined
    : C[K] extends LateDependency<infer T>
      ? () => T | undefined
      : C[K] extends Token<infer T>
        ? T
        : never;
};

/** Marks a consumed token optional: `init` gets the service or undefined. */
export function optional<T>(token: Token<T>): OptionalDependency<T> {
  return { kind: "optional", token };
}

/**
 * Marks a consumed token optional and late: `init` gets a getter, answering the service
 * (or undefined) once every plugin is initialised. It adds no ordering edge, so two
 * plugins may offer each other services (runs checks attachments against BLOB_STORE,
 * attachments adds its checks to RUN_VERIFIERS).
 */
export function late<T>(token: Token<T>): LateDependency<T> {
  return { kind: "late", token };
}

/** One provided service. */
export interface Binding {
  readonly token: Token<unknown>;
  readonly value: unknown;
}

/** Binds `value` to `token` (one entry of `provide`). */
export function bind<T>(token: Token<T>, value: T): Binding {
  return { token, value };
}

/** What the kernel gives each plugin besides its dependencies. */
export interface PluginContext {
  /** The plugin's name. */
  readonly name: string;
  readonly config: AppConfig;
  /** The configured database backend (stores are chosen from it). */
  readonly backend: DatabaseKind;
  /** A logger naming the plugin. */
  readonly logger: Logger;
  /** The kernel's Prometheus registry. */
  readonly metrics: Registry;
  /** Validates environment variables of this plugin; a bad value stops the kernel's build. */
  readConfig<S extends z.ZodType>(schema: S): z.infer<S>;
}

/** What `init` returns. */
export interface PluginInstance {
  /** One binding for each token in `provides`. */
  readonly provide?: readonly Binding[];
  /** Declares the routes (createRoute + registrar.openapi only). */
  routes?(registrar: RouteRegistrar): void;
  /** I/O: open stores, check state. Called in load order after migrations. */
  start?(): Promise<void>;
  /** Releases resources; called in reverse load order. */
  close?(): Promise<void>;
}

/**
 * SQL migration folders (`NNNN_name.sql`), one per backend the plugin supports; `null`
 * for a backend on which the plugin keeps no tables (its store lives in files there).
 */
export type PluginMigrations = Readonly<Partial<Record<DatabaseKind, URL | null>>>;

/** A plugin. */
export interface Plugin<C extends Consumes = Consumes> {
  /** kebab-case, unique */
  readonly name: string;
  /**
   * The major version of the plugin API it was written for (`PLUGIN_API_VERSION` of
   * ./version.js when it was written), as a number literal. Required of a plugin loaded
   * from a package: the kernel refuses one written for another version.
   */
  readonly apiVersion?: number;
  /**
   * One sentence for the plugin's tag in openapi.json and /docs. A plugin package gives
   * one (it has no page under the repository's docs/plugins/, which the default names).
   */
  readonly description?: string;
  /** Tokens this plugin binds (each exactly once among the loaded plugins). */
  readonly provides?: readonly Token<unknown>[];
  /** Tokens this plugin needs, by the name `init` receives them under. */
  readonly consumes?: C;
  /** Its SQL migrations per backend, applied by the kernel's runner. */
  readonly migrations?: PluginMigrations;
  /**
   * The backends it has stores for (default: every one). With `RMOS_PLUGINS=all` a plugin
   * is left out, with a warning at start, on a backend it lacks; named explicitly there, it
   * stops the start naming itself and the backend.
   */
  readonly backends?: readonly DatabaseKind[];
  /** Commands this plugin adds to the `rmos` CLI. */
  readonly commands?: readonly CliCommand[];
  /** Wires the plugin from its resolved dependencies; no I/O. */
  init(deps: Resolved<C>, ctx: PluginContext): PluginInstance;
}

/** Declares a plugin, typing `init`'s dependencies from `consumes`. */
export function definePlugin<C extends Consumes = Record<never, never>>(plugin: Plugin<C>): Plugin {
  return plugin as unknown as Plugin;
}
