/**
 * The runs plugin's CLI commands: `rmos verify` (every stored artifact and blob,
 * non-zero exit on any failure) and `rmos reindex` (rebuild the index from the files).
 */
import { parseCommandArgs, writeJson } from "../../kernel/plugin_api/args.js";
import { createProgress } from "../../kernel/plugin_api/progress.js";
import { BLOB_STORE } from "../../contracts/ports/blob_store.js";
import { CorruptArtifactError, RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import type { CliCommand } from "../../kernel/plugin_api/cli.js";

interface Failure {
  readonly run_id?: string;
  readonly sha256?: string;
  readonly location?: string;
  readonly failed: Array<{ name: string; detail: string }>;
}

export const verifyCommand: CliCommand = {
  name: "verify",
  summary: "check every stored artifact and blob; exit 1 on any failure",
  help: `Usage: rmos verify [--json] [--quiet]

Reads every stored run artifact and checks it with every loaded verifier (stored
bytes intact, schema, hashes recomputed, attachments present and intact, legacy
hashes of imported runs), then re-hashes every stored blob. Prints a summary (or a
JSON report with --json) and exits 1 when anything failed, 0 otherwise.`,
  async run({ args, io, boot }) {
    const { values } = parseCommandArgs(args, { quiet: { type: "boolean", short: "q" } });
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const kernel = await boot();
    try {
      const store = kernel.resolve(RUN_STORE);
      const verifiers = kernel.resolve(RUN_VERIFIERS);
      const total = await store.count();
      const progress = createProgress(io.stderr, "verify runs", { quiet: Boolean(values.quiet) });
      const failures: Failure[] = [];
      let runs = 0;
      for await (const entry of store.scan()) {
        runs++;
        try {
          const report = await verifiers.verify(await entry.read());
          if (!report.ok) {
            failures.push({
              run_id: entry.run_id,
              location: entry.location,
              failed: report.checks.filter((c) => !c.ok).map(({ name, detail }) => ({ name, detail })),
            });
          }
        } catch (error) {
          const detail =
            error instanceof CorruptArtifactError ? error.message : `unreadable: ${(error as Error).message}`;
          failures.push({ run_id: entry.run_id, location: entry.location, failed: [{ name: "stored_bytes", detail }] });
        }
        progress.update(runs, Math.max(total, runs));
      }
      progress.finish();
      let blobs = 0;
      const blobStore = kernel.resolveOptional(BLOB_STORE);
      if (blobStore) {
        const blobProgress = createProgress(io.stderr, "verify blobs", { quiet: Boolean(values.quiet) });
        for await (const sha of blobStore.scan()) {
          blobs++;
          const check = await blobStore.verify(sha);
          if (!check.ok) failures.push({ sha256: sha, failed: [{ name: "blob", detail: check.reason }] });
          blobProgress.update(blobs, blobs);
        }
        blobProgress.finish();
      }
      const report = { ok: failures.length === 0, runs, blobs, failed: failures.length, failures };
      if (values.json) writeJson(io.stdout, report);
      else {
        io.stdout.write(
          `verified ${runs} run(s) and ${blobs} blob(s): ${failures.length === 0 ? "all intact" : `${failures.length} FAILED`}\n`,
        );
        for (const f of failures) {
          io.stdout.write(`  ${f.run_id ?? `blob ${f.sha256}`}${f.location ? ` (${f.location})` : ""}\n`);
          for (const c of f.failed) io.stdout.write(`    ${c.name}: ${c.detail}\n`);
        }
      }
      return report.ok ? 0 : 1;
    } finally {
      await kernel.close();
    }
  },
};

export const reindexCommand: CliCommand = {
  name: "reindex",
  summary: "rebuild the run index from the artifact files",
  help: `Usage: rmos reindex [--json] [--quiet]

The artifact files under <data>/runs are authoritative; the SQLite index is derived
from them. This reads every file and replaces the index in one transaction. Corrupt
files are reported and left out of the index (see rmos verify). Stop the service
first: the index is swapped while it is not serving.`,
  async run({ args, io, boot }) {
    const { values } = parseCommandArgs(args, { quiet: { type: "boolean", short: "q" } });
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const kernel = await boot({ migrate: true });
    try {
      const store = kernel.resolve(RUN_STORE);
      if (!store.rebuildIndex) {
        io.stderr.write("this backend has no derived index to rebuild\n");
        return 2;
      }
      const progress = createProgress(io.stderr, "reindex", { quiet: Boolean(values.quiet) });
      const result = await store.rebuildIndex((done, total) => progress.update(done, total));
      progress.finish();
      if (values.json) writeJson(io.stdout, result);
      else io.stdout.write(`indexed ${result.indexed} run(s); ${result.corrupt} corrupt file(s) left out\n`);
      return result.corrupt === 0 ? 0 : 1;
    } finally {
      await kernel.close();
    }
  },
};
