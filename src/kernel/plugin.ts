/**
 * What a plugin is and what the kernel hands it.
 *
 * A plugin names its dependencies, binds its services in `register` (no I/O), declares
 * its routes through a {@link RouteRegistrar}, may ship SQL migrations and CLI
 * commands, opens its resources in `onReady` and releases them in `onClose` (reverse
 * order). Plugins never import each other: what one offers another is a token from
 * src/contracts, bound with `provide` and found with `resolve`.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { z } from "@hono/zod-openapi";
import type { DependencyContainer } from "tsyringe";
import type { Registry } from "prom-client";
import type { Token } from "../contracts/token.js";
import type { AppConfig } from "./config.js";
import type { Logger } from "./logger.js";
import type { CliCommand } from "./cli_command.js";

/** Declares OpenAPI routes; the kernel orders, checks and mounts them. */
export interface RouteRegistrar {
  /** Adds a route: `route` from `createRoute` (with operationId and tags), `handler` its implementation. */
  openapi<R extends RouteConfig>(route: R, handler: RouteHandler<R>): void;
}

/** The environment type of every handler: what middleware leaves on the context. */
export interface KernelEnv {
  Variables: {
    requestId: string;
    logger: Logger;
  };
}

export type KernelApp = OpenAPIHono<KernelEnv>;

/** What the kernel gives each plugin. */
export interface PluginContext {
  /** The plugin's name. */
  readonly plugin: string;
  readonly config: AppConfig;
  /** The plugin's own child container. */
  readonly container: DependencyContainer;
  readonly logger: Logger;
  /** The kernel's Prometheus registry. */
  readonly metrics: Registry;
  /** Binds a service for every plugin (in the root container). */
  provide<T>(token: Token<T>, value: T): void;
  /** The service bound to `token`; throws naming the token when none is. */
  resolve<T>(token: Token<T>): T;
  /** The service bound to `token`, or undefined. */
  resolveOptional<T>(token: Token<T>): T | undefined;
  /** Validates environment variables of this plugin; a bad value stops the start. */
  readConfig<S extends z.ZodType>(schema: S): z.infer<S>;
}

export interface Plugin {
  /** kebab-case, unique */
  readonly name: string;
  /** Plugins that must be loaded before this one. */
  readonly dependsOn: readonly string[];
  /** A folder of ordered `NNNN_name.sql` migrations, applied by the kernel's runner. */
  readonly migrations?: URL;
  /** Commands this plugin adds to the `rmos` CLI. */
  readonly commands?: readonly CliCommand[];
  /** DI bindings only: no I/O. */
  register(ctx: PluginContext): void;
  /** Routes: createRoute + registrar.openapi only. */
  routes?(registrar: RouteRegistrar, ctx: PluginContext): void;
  /** I/O: open stores, check state. Called in load order after migrations. */
  onReady?(ctx: PluginContext): Promise<void>;
  /** Release resources; called in reverse load order. */
  onClose?(ctx: PluginContext): Promise<void>;
}
