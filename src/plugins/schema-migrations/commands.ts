/**
 * The `rmos schemas` command: `list-versions` (current, known and stored versions,
 * registered migrations) and `migrate` (materialise migrated records, with a progress
 * bar on standard error and a report on standard output; `--dry-run` writes nothing).
 * Exit codes: 0 done, 1 some runs failed to migrate, 2 usage error (unknown action,
 * malformed or unknown version, unknown run).
 */
import { parseCommandArgs, UsageError, writeJson } from "../../kernel/plugin_api/args.js";
import { operatorOfOption } from "../../kernel/plugin_api/auth.js";
import { createProgress } from "../../kernel/plugin_api/progress.js";
import { RUN_ID_PATTERN } from "../../contracts/ids.js";
import { SCHEMA_VERSION_PATTERN } from "../../contracts/ports/migration_registry.js";
import {
  type MigrationReport,
  SCHEMA_MIGRATOR,
  UnknownRunError,
  UnknownTargetVersionError,
  type VersionsReport,
} from "../../contracts/ports/schema_migrator.js";
import type { CliCommand, CliIo } from "../../kernel/plugin_api/cli.js";

function printVersions(io: CliIo, report: VersionsReport): void {
  io.stdout.write(`current schema version: ${report.current}\n`);
  io.stdout.write(`known versions: ${report.known.join(", ")}\n`);
  const stored = Object.entries(report.distribution).sort(([a], [b]) => (a < b ? -1 : 1));
  io.stdout.write(stored.length === 0 ? "stored runs: none\n" : "stored runs by version:\n");
  for (const [version, count] of stored) {
    io.stdout.write(`  ${version.padEnd(12)} ${count}${version === report.current ? "" : "  (upcast on read)"}\n`);
  }
  io.stdout.write(report.migrations.length === 0 ? "migrations: none registered\n" : "migrations:\n");
  for (const m of report.migrations) io.stdout.write(`  ${m.from} → ${m.to}  ${m.description}\n`);
}

function printReport(io: CliIo, report: MigrationReport): void {
  const verb = report.dry_run ? `dry run: would write ${report.would_migrate}` : `wrote ${report.migrated}`;
  io.stdout.write(
    `${verb} record(s) in schema ${report.target_version}; ${report.total} run(s) looked at, ${report.already_current} already in ${report.target_version}, ${report.already_migrated} already migrated, ${report.failed.length} failed\n`,
  );
  for (const f of report.failed) io.stdout.write(`  FAILED ${f.run_id}: ${f.error}\n`);
}

export const schemasCommand: CliCommand = {
  name: "schemas",
  summary: "artifact schema versions: list-versions | migrate",
  help: `Usage: rmos schemas list-versions [--json]
       rmos schemas migrate [--dry-run] [--target-version V] [--run ID] [--as NAME] [--json] [--quiet]

list-versions  the current schema version, the known versions, how many runs are
               stored in each version, and the registered migrations.
migrate        for every stored run not in the target version (default: the current
               one), writes the migrated artifact with its migration_history as a new
               write-once record beside the original (<run_id>_schema_<V>.json); the
               original file is never touched. Idempotent: a re-run writes nothing.
               --dry-run writes nothing and reports what it would do; --run ID
               migrates one run. Progress goes to standard error, the report to
               standard output. Exits 1 when some runs failed (each is listed with
               its reason), 2 on a usage error. --as NAME: the operator recorded
               as applied_by in each history entry (cli:NAME; default cli:<os user>).

Reads always answer the current version, migrated or not (lazy upcast); migrate
writes the proof of each migration.`,
  async run({ args, io, boot }) {
    const { values, positionals } = parseCommandArgs(args, {
      "dry-run": { type: "boolean" },
      "target-version": { type: "string" },
      run: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      as: { type: "string" },
    });
    const action = positionals[0];
    if (values.help || !action) {
      io.stdout.write(`${this.help}\n`);
      return values.help ? 0 : 2;
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    if (action !== "list-versions" && action !== "migrate") throw new UsageError(`unknown schemas action "${action}"`);
    const target = values["target-version"];
    if (target !== undefined && !SCHEMA_VERSION_PATTERN.test(target)) {
      throw new UsageError(`--target-version ${JSON.stringify(target)} is not a schema version such as 2.0.0`);
    }
    if (values.run !== undefined && !RUN_ID_PATTERN.test(values.run)) {
      throw new UsageError(`--run ${JSON.stringify(values.run)} is not a run id`);
    }
    if (
      action === "list-versions" &&
      (target !== undefined || values.run !== undefined || values["dry-run"] || values.as !== undefined)
    ) {
      throw new UsageError("list-versions takes no --target-version, --run, --dry-run or --as");
    }
    const operator = operatorOfOption(values.as);
    const kernel = await boot();
    try {
      const migrator = kernel.resolve(SCHEMA_MIGRATOR);
      if (action === "list-versions") {
        const report = await migrator.versions();
        if (values.json) writeJson(io.stdout, report);
        else printVersions(io, report);
        return 0;
      }
      const progress = createProgress(io.stderr, values["dry-run"] ? "plan migration" : "migrate", {
        quiet: Boolean(values.quiet),
      });
      let report: MigrationReport;
      try {
        report = await migrator.migrate({
          targetVersion: target,
          dryRun: Boolean(values["dry-run"]),
          runId: values.run,
          operator,
          onProgress: (done, total) => progress.update(done, total),
        });
      } catch (error) {
        if (error instanceof UnknownTargetVersionError || error instanceof UnknownRunError) {
          io.stderr.write(`rmos schemas: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
      progress.finish();
      if (values.json) writeJson(io.stdout, report);
      else printReport(io, report);
      return report.failed.length === 0 ? 0 : 1;
    } finally {
      await kernel.close();
    }
  },
};
