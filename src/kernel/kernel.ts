/**
 * The kernel: loads the plugins into one registry of services and one HTTP app.
 *
 * `createKernel` does everything that needs no I/O — order the plugins from what they
 * provide and consume, call each plugin's `init` with its resolved dependencies, bind
 * what it provides, mount the routes it built, build the OpenAPI document — so that
 * `openapi.json` can be generated without a server or a data directory. `start()` does
 * the I/O: it opens the database, applies (or checks) the SQL migrations of the
 * configured backend, and calls each plugin's `start` in load order; `close()` calls
 * `close` in reverse order and closes the database. Services live in a plain map from
 * token to value (see docs/design.md): plugins never see it.
 *
 * Authentication (src/kernel/auth, docs/auth.md) is the kernel's own: the token store
 * is bound under TOKEN_STORE with its migrations run by the same runner, the
 * authentication middleware runs right after the request context and before every
 * route guard (so rate limits count per principal), and every route's roles are
 * enforced by the route collector. Routes registered with a cached read are answered by
 * `cachedReads` (http/cached_reads.ts) before the app when the server can (server.ts),
 * with the same checks, which the middleware and it share.
 */
import fs from "node:fs";
import path from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "@hono/zod-openapi";
import { ProblemError } from "../contracts/problem.js";
import { DATABASE, type Database } from "../contracts/ports/database.js";
import { WEB_SURFACES, WebSurfaceRegistry } from "../contracts/ports/web_surfaces.js";
import { TOKEN_STORE, type TokenStore } from "../contracts/ports/token_store.js";
import { type AuthSetupOptions, createCredentialChecker } from "./auth/auth_setup.js";
import { type AuthEnv, authenticateWith, type CredentialChecker, isPublicRequest } from "./auth/authenticate.js";
import { JwksError } from "./auth/jwks_source.js";
import { BEARER_SCHEME_NAME, bearerSecurityScheme } from "./auth/openapi_security.js";
import { tokenMigrationsFor, tokenStoreFor } from "./auth/token_storage.js";
import type { Token } from "../contracts/token.js";
import { ConfigError, describeIssues, type AppConfig } from "./config.js";
import { databaseFor, type KernelDatabase } from "./db/database_for.js";
import {
  applyMigrations,
  assertNoDrift,
  loadMigrations,
  migrationStatus,
  type Migration,
  type MigrationStatus,
} from "./db/migrations.js";
import { KERNEL_MIGRATIONS, migratePostgres } from "./db/postgres/migrator.js";
import type { MiddlewareHandler } from "hono";
import { CachedReads } from "./http/cached_reads.js";
import type { ValidationHook } from "./http/request_validators.js";
import { createRouteGuards } from "./http/route_guards.js";
import type { Logger } from "./logger.js";
import { createMetrics, type HttpMetrics } from "./metrics.js";
import { openApiMetadata } from "./openapi_metadata.js";
import type { BootedKernel } from "./plugin_api/cli.js";
import type { Plugin, PluginContext, PluginInstance } from "./plugin_api/plugin.js";
import { API_BASE, type KernelApp, type KernelEnv } from "./plugin_api/routes.js";
import { consumedBy, orderPlugins, PluginLoadError, tokenName } from "./plugin_order.js";
import { handleError, problemResponse, validationHook } from "./problems.js";
import { RequestRecorder, requestContext } from "./request_context.js";
import { RouteCollector } from "./route_registrar.js";
import { mountServiceRoutes, type Readiness } from "./service_routes.js";
import { mountWebSurfaces } from "./web_surfaces.js";

export { API_BASE } from "./plugin_api/routes.js";

/** A database URL for messages: scheme, host, port and database, never the credentials. */
export function describeDatabaseUrl(url: string): string {
  if (url.startsWith("sqlite:")) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(unparseable URL)";
  }
}

export interface KernelOptions {
  readonly config: AppConfig;
  readonly plugins: readonly Plugin[];
  readonly logger: Logger;
  /** Collect process metrics (CPU, memory, GC) too; on for `rmos serve`. */
  readonly processMetrics?: boolean;
  /** Tuning of authentication (remote key set timings, the clock), for tests. */
  readonly auth?: AuthSetupOptions;
  /**
   * Answer plugins' cached reads before the framework (http/cached_reads.ts; default
   * true). Off, every request goes through the framework: the tests compare both.
   */
  readonly cachedReads?: boolean;
}

export interface StartOptions {
  /** Apply pending SQL migrations (default: config.autoMigrate). */
  readonly migrate?: boolean;
}

export class Kernel implements BootedKernel {
  readonly app: KernelApp;
  readonly plugins: readonly Plugin[];
  /** Plugins of the list left out because they have no store for the configured backend. */
  readonly unsupported: readonly string[];
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  /**
   * The answer of cached reads the server puts before the framework; undefined when
   * turned off or when no route has one.
   */
  readonly cachedReads: CachedReads | undefined;
  /** The database handle (opened by `start`). */
  readonly database: Database;
  readonly #database: KernelDatabase;
  readonly #services = new Map<Token<unknown>, unknown>();
  readonly #instances = new Map<string, PluginInstance>();
  readonly #routes: RouteCollector;
  readonly #tokenStore: TokenStore;
  readonly #surfaces: WebSurfaceRegistry;
  readonly #authOptions: AuthSetupOptions;
  #authenticate: MiddlewareHandler<AuthEnv> | undefined;
  #credentials: CredentialChecker | undefined;
  #initialised = false;
  #migrations: Migration[] | undefined;
  #started: Plugin[] = [];

  constructor(options: KernelOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.metrics = createMetrics(options.processMetrics ?? false);
    this.#database = databaseFor(options.config);
    this.database = this.#database;
    this.#services.set(DATABASE, this.#database);
    this.#tokenStore = tokenStoreFor(this.#database);
    this.#services.set(TOKEN_STORE, this.#tokenStore);
    this.#authOptions = options.auth ?? {};
    // Hook (console): the kernel's registry of non-API pages (web_surfaces.ts); plugins consume it.
    this.#surfaces = new WebSurfaceRegistry();
    this.#services.set(WEB_SURFACES, this.#surfaces);
    // With RMOS_PLUGINS=all, the plugins that have no store for this backend are left out
    // (warned at start); a plugin named explicitly is kept, and refuses by name in its init.
    const backend = this.#database.kind;
    this.unsupported =
      options.config.plugins === "all"
        ? options.plugins.filter((p) => p.backends && !p.backends.includes(backend)).map((p) => p.name)
        : [];
    this.plugins = orderPlugins(
      options.plugins.filter((p) => !this.unsupported.includes(p.name)),
      options.config.plugins,
      new Set([DATABASE, TOKEN_STORE, WEB_SURFACES]),
    );
    this.app = new OpenAPIHono<KernelEnv>({ defaultHook: validationHook as never });
    this.app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME_NAME, bearerSecurityScheme);
    const guards = createRouteGuards(options.config.limits);
    this.#routes = new RouteCollector(API_BASE, options.config.maxBodyBytes, validationHook as ValidationHook, guards);
    const recorder = new RequestRecorder(this.logger, this.metrics);

    for (const plugin of this.plugins) this.#instances.set(plugin.name, this.#init(plugin));
    this.#initialised = true;
    this.app.use("*", requestContext(recorder));
    // Authentication before any route guard: the rate limit keys by the principal it sets.
    this.app.use("*", (c, next) => this.#authMiddleware()(c as never, next));
    mountServiceRoutes(this.app, {
      readiness: () => this.readiness(),
      metricsText: async () => ({
        contentType: this.metrics.registry.contentType,
        body: await this.metrics.registry.metrics(),
      }),
      document: () => this.openApiDocument(),
      // The data directory's free space matters on the embedded backend only; on
      // PostgreSQL a full disk is the server's, answered as 507 from its disk_full error.
      ...(this.#database.kind === "sqlite"
        ? { storage: { dir: this.config.dataDir, minFreeBytes: this.config.limits.minFreeBytes } }
        : {}),
    });
    for (const plugin of this.plugins) {
      this.#instances.get(plugin.name)?.routes?.(this.#routes.registrarFor(plugin.name));
    }
    this.#routes.mount(this.app);
    const cachedReads = new CachedReads(this.#routes.cachedReads, {
      recorder,
      credentials: () => this.#credentialChecker(),
      target: guards.target,
      rate: guards.rate,
      surfaceOwns: (path) => this.#surfaces.owns(path),
    });
    this.cachedReads = (options.cachedReads ?? true) && cachedReads.active ? cachedReads : undefined;
    mountWebSurfaces(this.app, this.#surfaces);
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

  /**
   * The credential check, built on first use (a JWKS file is read then; `start` builds
   * it first so that a bad key file stops the start); one for the authentication
   * middleware and the answer of cached reads.
   */
  #credentialChecker(): CredentialChecker {
    if (!this.#credentials) {
      try {
        // A web surface (the console) signs its people in itself and calls the API with their credential.
        const isPublic = (method: string, path: string) => isPublicRequest(method, path) || this.#surfaces.owns(path);
        this.#credentials = createCredentialChecker(this.config.auth, this.#tokenStore, this.#authOptions, isPublic);
      } catch (error) {
        if (error instanceof JwksError) throw new ConfigError(error.message);
        throw error;
      }
    }
    return this.#credentials;
  }

  /** The authentication middleware over the credential check. */
  #authMiddleware(): MiddlewareHandler<AuthEnv> {
    this.#authenticate ??= authenticateWith(this.#credentialChecker());
    return this.#authenticate;
  }

  /** Resolves `plugin`'s dependencies, runs its `init` and binds what it provides. */
  #init(plugin: Plugin): PluginInstance {
    const deps: Record<string, unknown> = {};
    for (const dep of consumedBy(plugin)) {
      if (dep.mode === "late") {
        deps[dep.as] = () => {
          if (!this.#initialised) {
            throw new Error(
              `plugin "${plugin.name}" read its late dependency ${tokenName(dep.token)} during init; it is there once every plugin is initialised`,
            );
          }
          return this.#services.get(dep.token);
        };
      } else {
        deps[dep.as] = this.#services.get(dep.token);
      }
    }
    let instance: PluginInstance;
    try {
      instance = plugin.init(deps as never, this.#contextFor(plugin));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new Error(`plugin "${plugin.name}" failed to initialise: ${(error as Error).message}`, { cause: error });
    }
    const declared = new Set(plugin.provides ?? []);
    for (const { token, value } of instance.provide ?? []) {
      if (!declared.delete(token)) {
        throw new PluginLoadError(
          `plugin "${plugin.name}" provides ${tokenName(token)} in init but does not declare it in provides (or provides it twice)`,
        );
      }
      this.#services.set(token, value);
    }
    for (const token of declared) {
      throw new PluginLoadError(
        `plugin "${plugin.name}" declares ${tokenName(token)} in provides but init did not provide it`,
      );
    }
    return instance;
  }

  #contextFor(plugin: Plugin): PluginContext {
    const config = this.config;
    return {
      name: plugin.name,
      config,
      backend: this.#database.kind,
      logger: this.logger.child({ plugin: plugin.name }),
      metrics: this.metrics.registry,
      readConfig<S extends z.ZodType>(schema: S): z.infer<S> {
        const parsed = schema.safeParse(config.env);
        if (!parsed.success) {
          throw new ConfigError(`invalid configuration for plugin "${plugin.name}":\n${describeIssues(parsed.error)}`);
        }
        return parsed.data;
      },
    };
  }

  /** The loaded plugins' names, in load order. */
  get pluginNames(): readonly string[] {
    return this.plugins.map((p) => p.name);
  }

  /** The service bound to `token`; throws naming the token when no loaded plugin provides it. */
  resolve<T>(token: Token<T>): T {
    if (!this.#services.has(token)) throw new Error(`no loaded plugin provides ${tokenName(token)}`);
    return this.#services.get(token) as T;
  }

  /** The service bound to `token`, or undefined. */
  resolveOptional<T>(token: Token<T>): T | undefined {
    return this.#services.get(token) as T | undefined;
  }

  /** The OpenAPI 3.1 document of every loaded route. */
  openApiDocument(): Record<string, unknown> {
    return this.app.getOpenAPI31Document(openApiMetadata(this.plugins)) as unknown as Record<string, unknown>;
  }

  /**
   * The SQL migrations of every loaded plugin for the configured backend, in load
   * order; on PostgreSQL the kernel's own (table policies, the insert-only guard) first.
   */
  migrations(): Migration[] {
    const kind = this.#database.kind;
    const plugins = this.plugins
      .filter((p) => p.migrations && p.migrations[kind] !== null)
      .map((p) => {
        const dir = p.migrations?.[kind];
        if (!dir) throw new ConfigError(`plugin "${p.name}" has no SQL migrations for a ${kind} database`);
        return { plugin: p.name, dir };
      });
    this.#migrations ??= loadMigrations([
      ...(kind === "postgres" ? [KERNEL_MIGRATIONS] : []),
      ...tokenMigrationsFor(kind),
      ...plugins,
    ]);
    return this.#migrations;
  }

  /** Opens the database (idempotent), without applying migrations. */
  async openDatabase(): Promise<Database> {
    if (!this.#database.isOpen) {
      // The embedded backend keeps its files in the data directory; PostgreSQL needs none.
      if (this.#database.kind === "sqlite") fs.mkdirSync(this.config.dataDir, { recursive: true });
      await this.#database.open();
    }
    return this.#database;
  }

  /** Applied, pending and drifted migrations. */
  async migrationStatus(): Promise<MigrationStatus> {
    return migrationStatus(await this.openDatabase(), this.migrations());
  }

  /**
   * Applies pending migrations (refusing on drift); returns those applied. On
   * PostgreSQL it then guards the audit-trail tables and, with `appRole`, grants that
   * role what the table policies allow (run as the owner).
   */
  async migrate(onApplied?: (m: Migration) => void, options: { appRole?: string } = {}): Promise<Migration[]> {
    const database = await this.openDatabase();
    if (database.kind === "postgres") {
      return (await migratePostgres(database, this.migrations(), { appRole: options.appRole, onApplied })).applied;
    }
    if (options.appRole !== undefined) throw new ConfigError("--app-role applies to a PostgreSQL database only");
    return applyMigrations(database, this.migrations(), onApplied);
  }

  /** Opens the database, applies or checks migrations, and starts every plugin. */
  async start(options: StartOptions = {}): Promise<void> {
    this.#authMiddleware();
    for (const warning of this.config.auth.warnings) this.logger.warn({ auth: this.config.auth.mode }, warning);
    if (this.unsupported.length > 0) {
      this.logger.warn(
        { backend: this.#database.kind, plugins: this.unsupported },
        `running without ${this.unsupported.join(", ")}: no store for a ${this.#database.kind} database in this build`,
      );
    }
    await this.openDatabase();
    // Read-only first: with nothing pending, a service running as an app role that may
    // not create tables starts without touching the schema, whatever RMOS_AUTO_MIGRATE.
    let status: MigrationStatus;
    try {
      status = await this.migrationStatus();
    } catch (error) {
      // The first statement: a database that cannot be reached (or refuses the
      // credentials) is a configuration to fix, named without its password.
      throw new ConfigError(
        `cannot use the database ${describeDatabaseUrl(this.config.databaseUrl)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    assertNoDrift(status);
    if (status.pending.length > 0) {
      if (!(options.migrate ?? this.config.autoMigrate)) {
        throw new ConfigError(
          `${status.pending.length} database migration(s) pending (${status.pending.map((m) => `${m.plugin}/${m.id}`).join(", ")}): run \`rmos db migrate\``,
        );
      }
      for (const m of await this.migrate()) {
        this.logger.info({ migration: `${m.plugin}/${m.id}` }, "migration applied");
      }
    }
    for (const plugin of this.plugins) {
      await this.#instances.get(plugin.name)?.start?.();
      this.#started.push(plugin);
    }
  }

  /** Readiness: storage writable, database reachable, migrations applied. */
  async readiness(): Promise<Readiness> {
    const checks: Readiness["checks"] = [];
    // On PostgreSQL every record is in the database: there is no data directory to probe.
    if (this.#database.kind === "sqlite") {
      const probe = path.join(this.config.dataDir, `.readyz-${process.pid}`);
      try {
        await fs.promises.writeFile(probe, "ok");
        await fs.promises.unlink(probe);
        checks.push({ name: "storage", ok: true, detail: `${this.config.dataDir} is writable` });
      } catch (error) {
        checks.push({ name: "storage", ok: false, detail: (error as Error).message });
      }
    }
    try {
      if (!this.#database.isOpen) throw new Error("the database is not open yet");
      await this.#database.query("SELECT 1");
      const status = await this.migrationStatus();
      checks.push({ name: "database", ok: true, detail: `${this.#database.kind}: reachable` });
      if (this.#database.kind === "postgres") {
        // A standby or default_transaction_read_only: writes answer 503 database-read-only until it ends.
        const [row] = await this.#database.query<{ transaction_read_only: string }>("SHOW transaction_read_only");
        const readOnly = row?.transaction_read_only === "on";
        checks.push({
          name: "database-writable",
          ok: !readOnly,
          detail: readOnly
            ? "the database is read-only (transaction_read_only = on): writes answer 503 database-read-only"
            : "accepts writes",
        });
      }
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
        await this.#instances.get(plugin.name)?.close?.();
      } catch (error) {
        errors.push(error);
        this.logger.error({ err: error, plugin: plugin.name }, "plugin failed to close");
      }
    }
    this.#started = [];
    await this.#database.close();
    if (errors.length > 0) throw new AggregateError(errors, "some plugins failed to close");
  }
}

/** Builds a kernel (no I/O); call `start()` before serving. */
export function createKernel(options: KernelOptions): Kernel {
  return new Kernel(options);
}
