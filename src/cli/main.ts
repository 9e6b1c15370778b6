/**
 * The `rmos` command line: one entry point for the service and its operations.
 *
 * Kernel commands (serve, db, openapi, tokens) live here; plugins add theirs (verify, reindex,
 * v1, schemas, diff) through `Plugin.commands`. Every command has `--help` and
 * `--json`. Exit codes: 0 success, 1 a check failed, 2 usage or configuration error.
 */
import { parseCommandArgs, UsageError, writeJson } from "../kernel/plugin_api/args.js";
import { ConfigError, loadConfig, parsePluginSelection } from "../kernel/config.js";
import type { CliCommand, CliIo } from "../kernel/plugin_api/cli.js";
import { createKernel, type Kernel } from "../kernel/kernel.js";
import { createLogger } from "../kernel/logger.js";
import { closeOnSignals, listen } from "../kernel/server.js";
import { MigrationDriftError } from "../kernel/db/migrations.js";
import { PluginLoadError } from "../kernel/plugin_order.js";
import { ALL_PLUGINS } from "../plugins/index.js";
import { type PluginSet, resolvePluginSet, withPluginSet } from "../kernel/plugin_packages/plugin_packages.js";
import { createProgress } from "../kernel/plugin_api/progress.js";
import { isPostgresUrl } from "../kernel/db/postgres/pool.js";
import { copyInstallation } from "./db_copy.js";
import { TOKEN_STORE } from "../contracts/ports/token_store.js";
import { createTokensCommand } from "../kernel/auth/tokens_command.js";
import { operatorOfOption } from "../kernel/auth/operator.js";
import fs from "node:fs";

/**
 * The plugins of this process: the built-ins and the packages RMOS_PLUGINS names,
 * loaded by `main` before any command runs (so their commands are listed too).
 */
let pluginSet: PluginSet = { plugins: ALL_PLUGINS, selected: "all", fromPackages: [] };

const serveCommand: CliCommand = {
  name: "serve",
  summary: "run the HTTP service",
  help: `Usage: rmos serve

Runs the service with the configuration from the environment (see README:
PORT, HOST, RMOS_DATA_DIR, RMOS_DATABASE_URL, ...). Applies pending database
migrations first unless RMOS_AUTO_MIGRATE=false. Stops gracefully on SIGTERM/SIGINT.`,
  async run({ args, io }) {
    const { values } = parseCommandArgs(args, {});
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const config = withPluginSet(loadConfig(), pluginSet);
    const kernel = createKernel({
      config,
      plugins: pluginSet.plugins,
      logger: createLogger(config.logLevel, 1),
      processMetrics: true,
    });
    await kernel.start();
    const running = await listen(kernel);
    closeOnSignals(running, kernel);
    const consoleUrl = kernel.plugins.some((p) => p.name === "console") ? `${running.url}/ui/` : undefined;
    kernel.logger.info(
      { url: running.url, console: consoleUrl, data_dir: config.dataDir, plugins: kernel.plugins.map((p) => p.name) },
      "rmos listening",
    );
    if (consoleUrl) io.stderr.write(`auditor console: ${consoleUrl}\n`);
    if (values.json)
      writeJson(io.stdout, { url: running.url, pid: process.pid, ...(consoleUrl ? { console: consoleUrl } : {}) });
    return new Promise<number>(() => {}); // runs until a signal
  },
};

const dbCommand: CliCommand = {
  name: "db",
  summary: "database migrations and moving up: status | migrate | copy",
  help: `Usage: rmos db status [--json]
       rmos db migrate [--app-role ROLE] [--json]
       rmos db copy --to postgres://... [--as NAME] [--json] [--quiet]

status   lists applied, pending and drifted (edited after being applied) migrations;
         exits 1 when any are pending or drifted. Read-only: the app role may run it.
migrate  applies every pending migration, each in its own transaction, holding the
         database's migration lock (SQLite's write lock; a PostgreSQL advisory lock);
         refuses (exit 2) when an applied migration changed. On PostgreSQL, run it as
         the database owner: it then installs the insert-only trigger on every
         audit-trail table, and with --app-role grants ROLE exactly what each table's
         policy allows (SELECT and INSERT; UPDATE only on mutable state), for a service
         that runs as ROLE with RMOS_AUTO_MIGRATE=false.
copy     copies the configured installation (RMOS_DATABASE_URL, RMOS_DATA_DIR; stop
         its service first) into the database of --to, which \`rmos db migrate\` has
         migrated: runs (exact bytes), their sidecars, blobs, advisory assets and
         reviews, sessions and their events — each read back from the target and
         compared (ids, bytes, hashes). Progress on stderr; a report accounting for
         every record (copied, present from an earlier copy, failed with the reason);
         exit 1 when any failed. Run it again after an interruption (even kill -9): it
         resumes, comparing what is there and copying only what is not. Every
         record keeps its created_by; --as NAME is the operator recorded in the
         report and the log as cli:NAME (default cli:<os user>).`,
  async run({ args, io, boot }) {
    const { values, positionals } = parseCommandArgs(args, {
      "app-role": { type: "string" },
      to: { type: "string" },
      as: { type: "string" },
      quiet: { type: "boolean", short: "q" },
    });
    const action = positionals[0];
    if (values.help || !action) {
      io.stdout.write(`${this.help}\n`);
      return values.help ? 0 : 2;
    }
    if (action === "copy")
      return copyCommand(
        values.to,
        { json: Boolean(values.json), quiet: Boolean(values.quiet), operator: operatorOfOption(values.as) },
        io,
      );
    if (action !== "status" && action !== "migrate") throw new UsageError(`unknown db action "${action}"`);
    const kernel = kernelForCli();
    try {
      if (action === "migrate") {
        const appRole = values["app-role"];
        const applied = await kernel.migrate(
          (m) => io.stderr.write(`applied ${m.plugin}/${m.id}\n`),
          appRole === undefined ? {} : { appRole },
        );
        if (values.json) writeJson(io.stdout, { applied: applied.map((m) => `${m.plugin}/${m.id}`) });
        else io.stdout.write(`${applied.length} migration(s) applied; the database is up to date\n`);
        return 0;
      }
      const status = await kernel.migrationStatus();
      const report = {
        applied: status.applied.map((a) => ({
          migration: `${a.plugin}/${a.id}`,
          applied_at: a.applied_at,
          checksum: a.checksum,
        })),
        pending: status.pending.map((m) => `${m.plugin}/${m.id}`),
        drifted: status.drifted.map((d) => `${d.migration.plugin}/${d.migration.id}`),
        missing: status.missing.map((a) => `${a.plugin}/${a.id}`),
      };
      if (values.json) writeJson(io.stdout, report);
      else {
        for (const a of report.applied) io.stdout.write(`applied  ${a.migration}  ${a.applied_at}\n`);
        for (const p of report.pending) io.stdout.write(`pending  ${p}\n`);
        for (const d of report.drifted) io.stdout.write(`DRIFTED  ${d}  (file changed after it was applied)\n`);
        for (const m of report.missing) io.stdout.write(`MISSING  ${m}  (applied, file gone)\n`);
      }
      return report.pending.length + report.drifted.length + report.missing.length === 0 ? 0 : 1;
    } finally {
      await kernel.close();
    }
    void boot;
  },
};

const openapiCommand: CliCommand = {
  name: "openapi",
  summary: "print (or write) the OpenAPI document, without a server",
  help: `Usage: rmos openapi [--out FILE]

Builds the OpenAPI 3.1 document from the loaded plugins' routes (no I/O, no server)
and prints it, or writes it to FILE.`,
  async run({ args, io }) {
    const { values } = parseCommandArgs(args, { out: { type: "string" } });
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const kernel = kernelForCli();
    const text = `${JSON.stringify(kernel.openApiDocument(), null, 2)}\n`;
    if (values.out) fs.writeFileSync(values.out, text);
    else io.stdout.write(text);
    return 0;
  },
};

/** `rmos db copy --to URL`: the configured installation into the database of `to`. */
async function copyCommand(
  to: string | undefined,
  options: { json: boolean; quiet: boolean; operator: string },
  io: CliIo,
) {
  if (!to || !isPostgresUrl(to)) throw new UsageError("db copy needs --to postgres://...");
  const source = kernelForCli();
  // The target keeps everything in its database: it shares no file with the source.
  const targetConfig = { ...source.config, databaseUrl: to };
  if (targetConfig.databaseUrl === source.config.databaseUrl) throw new UsageError("--to names the source database");
  const target = createKernel({ config: targetConfig, plugins: pluginSet.plugins, logger: source.logger });
  try {
    await source.start({ migrate: false });
    await target.start({ migrate: false });
    let bar: { kind: string; progress: ReturnType<typeof createProgress> } | undefined;
    source.logger.info({ operator: options.operator }, "db copy started");
    const report = await copyInstallation(source, target, options.operator, (kind, done, total) => {
      if (bar?.kind !== kind) {
        bar?.progress.finish();
        bar = { kind, progress: createProgress(io.stderr, `copy ${kind}`, { quiet: options.quiet }) };
      }
      bar.progress.update(done, total ?? done);
    });
    bar?.progress.finish();
    source.logger.info({ operator: report.operator, ok: report.ok }, "db copy finished");
    if (options.json) writeJson(io.stdout, report);
    else {
      for (const [kind, k] of Object.entries(report.kinds)) {
        io.stdout.write(
          `${kind.padEnd(10)} ${k.total} in the source: ${k.copied} copied, ${k.present} present and verified, ${k.failed.length} failed\n`,
        );
        for (const f of k.failed) io.stdout.write(`  FAILED ${f.id}: ${f.reason}\n`);
      }
      if (report.skipped.length > 0) io.stdout.write(`not copied (plugin not loaded): ${report.skipped.join(", ")}\n`);
      io.stdout.write(`copied by ${report.operator}; every record keeps its created_by\n`);
      io.stdout.write(report.ok ? "OK: every record is in the target and verified\n" : "FAILED: see above\n");
    }
    return report.ok ? 0 : 1;
  } finally {
    await target.close();
    await source.close();
  }
}

/** `rmos tokens`: the token store of a kernel booted for the command (migrations applied unless RMOS_AUTO_MIGRATE=false). */
const tokensCommand = createTokensCommand(async (ctx) => {
  const kernel = await ctx.boot();
  return { store: kernel.resolve(TOKEN_STORE), close: () => kernel.close() };
});

/** A kernel for CLI work: logs to stderr at LOG_LEVEL (default warn). */
function kernelForCli(): Kernel {
  const config = withPluginSet(loadConfig({ LOG_LEVEL: "warn", ...process.env }), pluginSet);
  return createKernel({ config, plugins: pluginSet.plugins, logger: createLogger(config.logLevel, 2) });
}

/** Every command: the kernel's and the plugins'. */
export function allCommands(): CliCommand[] {
  const own = [serveCommand, dbCommand, openapiCommand, tokensCommand];
  const fromPlugins = pluginSet.plugins.flatMap((p) => p.commands ?? []);
  return [...own, ...fromPlugins];
}

function usage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: rmos <command> [options]   (rmos <command> --help for details)

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}
`;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  try {
    // Plugin packages (RMOS_PLUGINS=all,<package>) load before anything else: a missing or
    // wrong one stops every command, naming the package.
    pluginSet = await resolvePluginSet(parsePluginSelection(process.env.RMOS_PLUGINS), ALL_PLUGINS);
  } catch (error) {
    if (!(error instanceof PluginLoadError)) throw error;
    io.stderr.write(`rmos${name ? ` ${name}` : ""}: ${error.message}\n`);
    return 2;
  }
  const commands = allCommands();
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`rmos: unknown command "${name}"\n\n${usage(commands)}`);
    return 2;
  }
  try {
    return await command.run({
      args: rest,
      io,
      boot: async (options = {}) => {
        const kernel = kernelForCli();
        await kernel.start({ migrate: options.migrate ?? kernel.config.autoMigrate });
        return kernel;
      },
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`rmos ${name}: ${error.message}\n\n${command.help}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof PluginLoadError || error instanceof MigrationDriftError) {
      io.stderr.write(`rmos ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`rmos ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
