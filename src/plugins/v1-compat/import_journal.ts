/**
 * The durable record of imports under `<data>/v1-import/`: one start record per
 * runs.json (`imports/<sha256>.json`, write-once) and one report per `rmos v1 migrate`
 * run (`reports/`). The start record fixes `imported_at_utc` for every run imported from
 * that runs.json, however many times the import is interrupted and resumed, so that a
 * resumed import ends in the same state as one that ran straight through (the store is
 * write-once, so a re-run writes nothing that is there; what it adds must not depend on
 * when it runs).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { writeOnceDurable } from "../../kernel/plugin_api/storage.js";
import { V1_IMPORT_DIR } from "./v1_backups.js";

/** The start record of the import of one runs.json. */
export interface ImportStart {
  readonly runs_json_sha256: string;
  readonly size_bytes: number;
  /** The v1 directory it was imported from (as given). */
  readonly from: string;
  /** Data-relative location of its backup. */
  readonly backup: string;
  /** When its import first started: every run imported from it carries this time. */
  readonly started_at_utc: string;
}

export class ImportJournal {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(path.resolve(dataDir), V1_IMPORT_DIR);
  }

  /** The start record of the runs.json with this SHA-256, or undefined. */
  async start(sha256: string): Promise<ImportStart | undefined> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.root, "imports", `${sha256}.json`), "utf8")) as ImportStart;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** The start record of this runs.json: the one written before, or `fresh`, written now. */
  async begin(fresh: ImportStart): Promise<ImportStart> {
    const bytes = Buffer.from(`${JSON.stringify(fresh, null, 2)}\n`);
    const outcome = await writeOnceDurable(path.join(this.root, "imports"), `${fresh.runs_json_sha256}.json`, bytes);
    if (outcome === "created") return fresh;
    return (await this.start(fresh.runs_json_sha256)) as ImportStart;
  }

  /** Writes the report of one migrate run; answers its data-relative location. */
  async writeReport(name: string, report: unknown): Promise<string> {
    const file = `${name}.json`;
    await writeOnceDurable(path.join(this.root, "reports"), file, Buffer.from(`${JSON.stringify(report, null, 2)}\n`));
    return `${V1_IMPORT_DIR}/reports/${file}`;
  }

  /** The folders holding temp files an interrupted import may leave. */
  tempDirs(): string[] {
    return ["backups", "rejected", "imports", "reports"].map((d) => path.join(this.root, d));
  }
}
