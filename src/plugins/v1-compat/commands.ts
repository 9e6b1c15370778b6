/**
 * `rmos v1 status|migrate [--dry-run]|verify --from <v1 dir>`: the v1 import on the
 * command line. `migrate` backs up runs.json, imports every record (progress on
 * standard error), prints the report (or `--json`) and keeps it under
 * `<data>/v1-import/reports/`; it exits 0 when every record was read and accounted for
 * (imported, already present, or kept aside with its reason), 1 when the import stopped
 * early. `status` says where each record stands; `verify` proves every record is
 * accounted for and its original bytes are intact, exiting 1 when one is not. Usage
 * errors (no --from, no runs.json there) exit 2.
 */
import fs from "node:fs";
import path from "node:path";
import { parseCommandArgs, UsageError, writeJson } from "../../kernel/plugin_api/args.js";
import { operatorOfOption } from "../../kernel/plugin_api/auth.js";
import { createProgress, type Progress } from "../../kernel/plugin_api/progress.js";
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import { MIGRATION_REGISTRY } from "../../contracts/ports/migration_registry.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import type { CliCommand, CliIo, CliRunContext } from "../../kernel/plugin_api/cli.js";
import type { BootedKernel } from "../../kernel/plugin_api/cli.js";
import { type AccountingReport, accountForV1Store } from "./accounting.js";
import { DEFAULT_IMPORT_CONCURRENCY, type ImportReport, V1Importer } from "./importer.js";
import { KeptAside } from "./kept_aside.js";
import { V1_IMPORT_DIR, V1Backups } from "./v1_backups.js";

const ACTIONS = ["status", "migrate", "verify"] as const;
type Action = (typeof ACTIONS)[number];

/** How many flagged runs, failures or unaccounted records the human output lists. */
const LISTED = 50;

const HELP = `Usage: rmos v1 status  --from <v1 dir> [--json]
       rmos v1 migrate --from <v1 dir> [--dry-run] [--json] [--quiet] [--concurrency N] [--as NAME]
       rmos v1 verify  --from <v1 dir> [--json] [--quiet]

The import of a legacy (v1) store: <v1 dir>/runs.json (one JSON object, run_id →
record) and its blobs under <v1 dir>/attachments/<sha[:2]>/<sha>.

migrate   backs up runs.json to <data>/${V1_IMPORT_DIR}/backups/runs-<sha256>.json first
          (and imports from that backup), converts every record to a 2.0.0 artifact
          under its original id and UTC date, copies every referenced blob into the
          blob store and re-verifies it. Records that cannot be converted are kept
          aside with their reason under <data>/${V1_IMPORT_DIR}/rejected/ — nothing is
          dropped silently. A re-run imports nothing twice ("already present"); an
          interrupted import (even kill -9) resumes where it stopped. Prints the
          report (total, imported, already present, flagged, failed) and keeps it
          under <data>/${V1_IMPORT_DIR}/reports/. --dry-run reads, converts and hashes
          everything and writes nothing. --concurrency: records in flight (default
          ${DEFAULT_IMPORT_CONCURRENCY}). --as NAME: the operator recorded as every imported
          run's created_by and provenance.imported_by (cli:NAME; default cli:<os user>).
          Exit 0 when every record is accounted for, 1 when the import stopped early
          (a broken runs.json, an I/O error).
status    where every record of runs.json stands: imported, kept aside, or neither.
verify    proves every record of runs.json is accounted for (imported from exactly
          its bytes, or kept aside with a reason) and that the original bytes of each
          imported record are intact in its backup; exit 1 when one is not.`;

/** A progress bar over the bytes of runs.json (records vary in size; bytes tell the time left). */
function progressFor(
  io: CliIo,
  label: string,
  quiet: boolean,
  totalBytes: number,
): Progress & { bytes(n: number): void } {
  const progress = createProgress(io.stderr, `${label} (KiB of runs.json)`, { quiet });
  const total = Math.max(1, Math.ceil(totalBytes / 1024));
  const kib = (n: number) => Math.min(total, Math.ceil(n / 1024));
  return { update: progress.update, finish: progress.finish, bytes: (n: number) => progress.update(kib(n), total) };
}

function listed<T>(items: readonly T[], count: number, line: (item: T) => string): string {
  const lines = items.slice(0, LISTED).map((item) => `    ${line(item)}\n`);
  if (count > LISTED) lines.push(`    … and ${count - LISTED} more (see the JSON report)\n`);
  return lines.join("");
}

function printImport(io: CliIo, r: ImportReport, dataDir: string): void {
  const out = io.stdout;
  out.write(`${r.dry_run ? "DRY RUN — nothing written. " : ""}v1 import of ${r.runs_json.path}\n`);
  out.write(`  runs.json: ${r.runs_json.size_bytes} bytes, sha256 ${r.runs_json.sha256}\n`);
  if (r.backup) out.write(`  backup:    ${path.join(dataDir, r.backup)}\n`);
  const verb = r.dry_run ? "would import" : "imported";
  out.write(
    `  total ${r.total}: ${verb} ${r.imported}, already present ${r.already_present}, failed (kept aside) ${r.failed}; flagged ${r.flagged}, noted ${r.noted}\n`,
  );
  if (r.flagged_runs.length > 0) {
    out.write("  flagged runs (look at these):\n");
    out.write(listed(r.flagged_runs, r.flagged_runs.length, (f) => `${f.run_id}  ${f.flags.join(", ")}`));
  }
  if (r.failures.length > 0) {
    out.write(
      `  failed, ${r.dry_run ? "would be kept aside" : `kept aside with their reasons under ${path.join(dataDir, V1_IMPORT_DIR, "rejected")}`}:\n`,
    );
    out.write(listed(r.failures, r.failures.length, (f) => `${f.key} (byte ${f.offset}): ${f.reason}`));
  }
  if (r.report) out.write(`  report:    ${path.join(dataDir, r.report)}\n`);
  if (!r.complete) out.write(`  STOPPED EARLY: ${r.error}\n  fix the cause and run the import again: it resumes.\n`);
}

function printAccounting(io: CliIo, action: Action, r: AccountingReport): void {
  const out = io.stdout;
  out.write(`v1 ${action} of ${r.runs_json}\n`);
  out.write(`  total ${r.total}: imported ${r.imported}, kept aside ${r.kept_aside}, unaccounted ${r.unaccounted}\n`);
  if (action === "verify") {
    out.write(
      `  original bytes checked: ${r.evidence_checked}, intact ${r.evidence_checked - r.evidence_failures.length}\n`,
    );
  }
  if (r.unaccounted > 0) {
    out.write(`  ${action === "verify" ? "NOT ACCOUNTED FOR" : "not imported (yet)"}:\n`);
    out.write(listed(r.unaccounted_records, r.unaccounted, (u) => `${u.key} (byte ${u.offset}): ${u.reason}`));
  }
  if (r.evidence_failures.length > 0) {
    out.write("  original bytes NOT intact:\n");
    out.write(listed(r.evidence_failures, r.evidence_failures.length, (e) => `${e.run_id}: ${e.detail}`));
  }
  if (!r.complete) out.write(`  runs.json could not be read to the end: ${r.error}\n`);
  if (action === "verify") out.write(r.ok ? "  OK: every v1 record is accounted for\n" : "  FAILED\n");
}

function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return DEFAULT_IMPORT_CONCURRENCY;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new UsageError(`--concurrency must be an integer from 1 to 1024, got ${text}`);
  return n;
}

async function runAction(
  kernel: BootedKernel,
  action: Action,
  options: {
    from: string;
    dryRun: boolean;
    json: boolean;
    quiet: boolean;
    concurrency: number;
    operator: string;
    io: CliIo;
  },
): Promise<number> {
  const { io, from } = options;
  const dataDir = kernel.config.dataDir;
  const store = kernel.resolve(RUN_STORE);
  const size = fs.statSync(path.join(from, "runs.json")).size;
  if (action === "migrate") {
    const importer = new V1Importer({
      store,
      blobs: kernel.resolve(BLOB_STORE),
      registry: kernel.resolve(MIGRATION_REGISTRY),
      dataDir,
      logger: kernel.logger,
    });
    const progress = progressFor(io, "v1 migrate", options.quiet || options.json, size);
    const report = await importer.migrate({
      from,
      dryRun: options.dryRun,
      concurrency: options.concurrency,
      operator: options.operator,
      onProgress: (n) => progress.bytes(n),
    });
    progress.finish(
      `${report.total} records: ${report.imported} imported, ${report.already_present} already present, ${report.failed} kept aside`,
    );
    if (options.json) writeJson(io.stdout, report);
    else printImport(io, report, dataDir);
    return report.complete ? 0 : 1;
  }
  const progress = progressFor(io, `v1 ${action}`, options.quiet || options.json, size);
  const report = await accountForV1Store(
    { store, keptAside: new KeptAside(dataDir), backups: new V1Backups(dataDir) },
    { from, checkEvidence: action === "verify", onProgress: (n) => progress.bytes(n) },
  );
  progress.finish(`${report.total} records: ${report.unaccounted} unaccounted`);
  if (options.json) writeJson(io.stdout, report);
  else printAccounting(io, action, report);
  if (action === "verify") return report.ok ? 0 : 1;
  return report.complete ? 0 : 1;
}

/**
 * The run cache of an import's kernel, unless RMOS_CACHE_BYTES says otherwise. An import
 * writes each run once and never reads it back, so the run store's cache (32 MiB of
 * artifact bytes by default, several times that in parsed objects) would only hold
 * memory: at 100 000 records it is most of the import's resident size.
 */
export const IMPORT_CACHE_BYTES = 1024 * 1024;

/** Boots the kernel for `rmos v1` (with the small run cache of an import). */
async function bootForImport(migrate: boolean, boot: CliRunContext["boot"]): Promise<BootedKernel> {
  const given = process.env.RMOS_CACHE_BYTES;
  if (given === undefined) process.env.RMOS_CACHE_BYTES = String(IMPORT_CACHE_BYTES);
  try {
    return await boot(migrate ? { migrate: true } : {});
  } finally {
    if (given === undefined) delete process.env.RMOS_CACHE_BYTES;
  }
}

export const v1Command: CliCommand = {
  name: "v1",
  summary: "the v1 import: status | migrate [--dry-run] | verify, --from <v1 dir>",
  help: HELP,
  async run({ args, io, boot }) {
    const { values, positionals } = parseCommandArgs(args, {
      from: { type: "string" },
      "dry-run": { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
      concurrency: { type: "string" },
      as: { type: "string" },
    });
    if (values.help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const [action, ...extra] = positionals;
    if (!action) {
      io.stdout.write(`${HELP}\n`);
      return 2;
    }
    if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown v1 action "${action}"`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!values.from) throw new UsageError("--from <v1 dir> is required");
    if (values["dry-run"] && action !== "migrate") throw new UsageError("--dry-run applies to migrate only");
    const concurrency = parseConcurrency(values.concurrency);
    if (values.as !== undefined && action !== "migrate") throw new UsageError("--as applies to migrate only");
    const operator = operatorOfOption(values.as);
    const from = path.resolve(values.from);
    try {
      await V1Importer.assertV1Dir(from);
    } catch (error) {
      io.stderr.write(`rmos v1 ${action}: ${(error as Error).message}\n`);
      return 2;
    }
    const kernel = await bootForImport(action === "migrate" && !values["dry-run"], boot);
    try {
      return await runAction(kernel, action as Action, {
        from,
        dryRun: Boolean(values["dry-run"]),
        json: Boolean(values.json),
        quiet: Boolean(values.quiet),
        concurrency,
        operator,
        io,
      });
    } finally {
      await kernel.close();
    }
  },
};
