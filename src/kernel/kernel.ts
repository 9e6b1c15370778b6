/**
 * The kernel: loads the plugins into one DI container and one HTTP app.
 *
 * `createKernel` does everything that needs no I/O — order the plugins, give each a
 * child container, let each register its services and declare its routes, mount the
 * routes, build the OpenAPI document — so that `openapi.json` can be generated without
 * a server or a data directory. `start()` does the I/O: it opens the database, applies
 * (or checks) the SQL migrations, and calls each plugin's `onReady` in load order;
 * `close()` calls `onClose` in reverse order and closes the database.
 */
import "reflect-metadata"; // before tsyringe: it needs the Reflect polyfill at import time
import fs from "node:fs";
import path from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "@hono/zod-openapi";
import { type DependencyContainer, container as globalContainer } from "tsyringe";
import { ProblemError } from "../contracts/problem.js";
import { DATABASE, type Database } from "../contracts/ports/database.js";
import type { Token } from "../contracts/token.js";
import { ConfigError, describeIssues, type AppConfig } from "./config.js";
import { openSqlite, sqliteFileOf } from "./db/sqlite.js";
import {
  applyMigrations,
  assertNoDrift,
  loadMigrations,
  migrationStatus,
  type Migration,
  type MigrationStatus,
} from "./db/migrations.js";
import { createRouteGuards } from "./http/route_guards.js";
import type { Logger } from "./logger.js";
import { createMetrics, type HttpMetrics } from "./metrics.js";
import type { KernelApp, KernelEnv, Plugin, PluginContext } from "./plugin.js";
import { orderPlugins } from "./plugin_order.js";
import { handleError, problemResponse, validationHook } from "./problems.js";
import { requestContext } from "./request_context.js";
import { RouteCollector } from "./route_registrar.js";
import { mountServiceRoutes, type Readiness } from "./service_routes.js";

/** The base path of the API. */
export const API_BASE = "/api/rmos";

export interface KernelOptions {
  readonly config: AppConfig;
  readonly plugins: readonly Plugin[];
  readonly logger: Logger;
  /** Collect process metrics (CPU, memory, GC) too; on for `rmos serve`. */
  readonly processMetrics?: boolean;
}

export interface StartOptions {
  /** Apply pending SQL migrations (default: config.autoMigrate). */
  readonly migrate?: boolean;
}

export class Kernel {
  readonly app: KernelApp;
  readonly container: DependencyContainer;
  readonly plugins: readonly Plugin[];
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  readonly #contexts = new Map<string, PluginContext>();
  readonly #routes: RouteCollector;
  #database: Database | undefined;
  #migrations: Migration[] | undefined;
  #started: Plugin[] = [];

  constructor(options: KernelOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.metrics = createMetrics(options.processMetrics ?? false);
    this.container = globalContainer.createChildContainer();
    this.plugins = orderPlugins(options.plugins, options.config.plugins);
    this.app = new OpenAPIHono<KernelEnv>({ defaultHook: validationHook as never });
    this.#routes = new RouteCollector(API_BASE, options.config.maxBodyBytes, createRouteGuards(options.config.limits));

    for (const plugin of this.plugins) {
      const ctx = this.#contextFor(plugin);
      this.#contexts.set(plugin.name, ctx);
      try {
        plugin.register(ctx);
      } catch (error) {
        throw new Error(`plugin "${plugin.name}" failed to register: ${(error as Error).message}`, { cause: error });
      }
    }
    this.app.use("*", requestContext(this.logger, this.metrics));
    mountServiceRoutes(this.app, {
      readiness: () => this.readiness(),
      metricsText: async () => ({
        contentType: this.metrics.registry.contentType,
        body: await this.metrics.registry.metrics(),
      }),
      document: () => this.openApiDocument(),
      storage: { dir: this.config.dataDir, minFreeBytes: this.config.limits.minFreeBytes },
    });
    for (const plugin of this.plugins) {
      plugin.routes?.(this.#routes.registrarFor(plugin.name), this.#contexts.get(plugin.name) as PluginContext);
    }
    this.#routes.mount(this.app);
    this.app.notFound((c) => {
      const allowed = this.#routes.allowedMethods(c.req.path);
      if (allowed.length > 0) {
        return problemResponse(
          c,
          new ProblemError(405, `${c.req.method} is not allowed here; allowed: ${allowed.join(", ")}`, {
            slug: "method-not-allowed",
          }).toProblem(),
          { Allow: allowed.join(", ") },
        );
      }
      return problemResponse(c, new ProblemError(404, `no route for ${c.req.method} ${c.req.path}`).toProblem());
    });
    this.app.onError(handleError);
  }

  #contextFor(plugin: Plugin): PluginContext {
    const child = this.container.createChildContainer();
    const root = this.container;
    const config = this.config;
    return {
      plugin: plugin.name,
      config,
      container: child,
      logger: this.logger.child({ plugin: plugin.name }),
      metrics: this.metrics.registry,
      provide<T>(token: Token<T>, value: T) {
        root.register(token, { useValue: value });
      },
      resolve<T>(token: Token<T>): T {
        if (!child.isRegistered(token, true)) {
          throw new Error(`plugin "${plugin.name}" needs ${token.description}, which no loaded plugin provides`);
        }
        return child.resolve<T>(token);
      },
      resolveOptional<T>(token: Token<T>): T | undefined {
        return child.isRegistered(token, true) ? child.resolve<T>(token) : undefined;
      },
      readConfig<S extends z.ZodType>(schema: S): z.infer<S> {
        const parsed = schema.safeParse(config.env);
        if (!parsed.success) {
          throw new ConfigError(`invalid configuration for plugin "${plugin.name}":\n${describeIssues(parsed.error)}`);
        }
        return parsed.data;
      },
    };
  }

  /** The context the kernel gave plugin `name`. */
  contextOf(name: string): PluginContext {
    const ctx = this.#contexts.get(name);
    if (!ctx) throw new Error(`plugin "${name}" is not loaded`);
    return ctx;
  }

  /** Resolves a shared service. */
  resolve<T>(token: Token<T>): T {
    return this.container.resolve<T>(token);
  }

  /** The OpenAPI 3.1 document of every loaded route. */
  openApiDocument(): Record<string, unknown> {
    return this.app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "RMOS Runs service",
        version: "2.0.0",
        description:
          "Write-once, hash-verified run artifacts for CNC manufacturing decisions, with append-only advisories. Errors are RFC 9457 problem+json.",
      },
      tags: this.plugins.map((p) => ({ name: p.name })).concat([{ name: "service" }]),
    }) as unknown as Record<string, unknown>;
  }

  /** The SQL migrations of every loaded plugin, in load order. */
  migrations(): Migration[] {
    this.#migrations ??= loadMigrations(
      this.plugins.filter((p) => p.migrations).map((p) => ({ plugin: p.name, dir: p.migrations as URL })),
    );
    return this.#migrations;
  }

  /** The opened database (after `openDatabase` or `start`). */
  get database(): Database {
    if (!this.#database) throw new Error("the database is not open yet");
    return this.#database;
  }

  /** Opens the database and binds it, without applying migrations. */
  openDatabase(): Database {
    if (this.#database) return this.#database;
    const url = this.config.databaseUrl;
    if (!url.startsWith("sqlite:")) {
      throw new ConfigError(
        `RMOS_DATABASE_URL ${url.split("@").pop()}: only the embedded SQLite backend is available in this build`,
      );
    }
    fs.mkdirSync(this.config.dataDir, { recursive: true });
    this.#database = openSqlite(sqliteFileOf(url));
    this.container.register(DATABASE, { useValue: this.#database });
    return this.#database;
  }

  /** Applied, pending and drifted migrations. */
  migrationStatus(): MigrationStatus {
    return migrationStatus(this.openDatabase(), this.migrations());
  }

  /** Applies pending migrations (refusing on drift); returns those applied. */
  migrate(onApplied?: (m: Migration) => void): Migration[] {
    return applyMigrations(this.openDatabase(), this.migrations(), onApplied);
  }

  /** Opens the database, applies or checks migrations, and readies every plugin. */
  async start(options: StartOptions = {}): Promise<void> {
    this.openDatabase();
    if (options.migrate ?? this.config.autoMigrate) {
      for (const m of this.migrate()) this.logger.info({ migration: `${m.plugin}/${m.id}` }, "migration applied");
    } else {
      const status = this.migrationStatus();
      assertNoDrift(status);
      if (status.pending.length > 0) {
        throw new ConfigError(
          `${status.pending.length} database migration(s) pending (${status.pending.map((m) => `${m.plugin}/${m.id}`).join(", ")}): run \`rmos db migrate\``,
        );
      }
    }
    for (const plugin of this.plugins) {
      await plugin.onReady?.(this.#contexts.get(plugin.name) as PluginContext);
      this.#started.push(plugin);
    }
  }

  /** Readiness: storage writable, database reachable, migrations applied. */
  async readiness(): Promise<Readiness> {
    const checks: Readiness["checks"] = [];
    const probe = path.join(this.config.dataDir, `.readyz-${process.pid}`);
    try {
      await fs.promises.writeFile(probe, "ok");
      await fs.promises.unlink(probe);
      checks.push({ name: "storage", ok: true, detail: `${this.config.dataDir} is writable` });
    } catch (error) {
      checks.push({ name: "storage", ok: false, detail: (error as Error).message });
    }
    try {
      this.database.db.prepare("SELECT 1").get();
      const status = this.migrationStatus();
      checks.push({ name: "database", ok: true, detail: "reachable" });
      const bad = status.pending.length + status.drifted.length + status.missing.length;
      checks.push({
        name: "migrations",
        ok: bad === 0,
        detail:
          bad === 0
            ? `${status.applied.length} applied`
            : `${status.pending.length} pending, ${status.drifted.length} drifted, ${status.missing.length} applied but missing`,
      });
    } catch (error) {
      checks.push({ name: "database", ok: false, detail: (error as Error).message });
    }
    return { ok: checks.every((c) => c.ok), checks };
  }

  /** Closes the plugins (reverse order) and the database. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const plugin of [...this.#started].reverse()) {
      try {
        await plugin.onClose?.(this.#contexts.get(plugin.name) as PluginContext);
      } catch (error) {
        errors.push(error);
        this.logger.error({ err: error, plugin: plugin.name }, "plugin failed to close");
      }
    }
    this.#started = [];
    this.#database?.db.close();
    this.#database = undefined;
    if (errors.length > 0) throw new AggregateError(errors, "some plugins failed to close");
  }
}

/** Builds a kernel (no I/O); call `start()` before serving. */
export function createKernel(options: KernelOptions): Kernel {
  return new Kernel(options);
}
